/// One turn of a conversation.
public struct ChatMessage: Sendable, Codable, Equatable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public var role: Role
    public var content: String
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// The prompt formats of the supported families, chosen from the tokenizer's special tokens
/// (GGUF files carry Jinja templates; we recognise the family rather than run Jinja).
public enum ChatTemplate: String, Sendable, Codable {
    /// `<|im_start|>role ... <|im_end|>`: SmolLM2, Qwen 2/3.
    case chatML
    /// `<start_of_turn>user ... <end_of_turn>`: Gemma (no system role; it joins the first user turn).
    case gemma
    /// `<|start_header_id|>role<|end_header_id|>`: Llama 3.
    case llama3
    /// `[INST] ... [/INST]`: Llama 2.
    case llama2

    /// Picks the family whose markers the vocabulary has.
    public static func detect(hasToken: (String) -> Bool) -> ChatTemplate? {
        if hasToken("<|im_start|>") { return .chatML }
        if hasToken("<start_of_turn>") { return .gemma }
        if hasToken("<|start_header_id|>") { return .llama3 }
        if hasToken("[INST]") { return .llama2 }
        return nil
    }

    /// Text that ends an assistant turn (generation stops there).
    public var endOfTurn: String {
        switch self {
        case .chatML: return "<|im_end|>"
        case .gemma: return "<end_of_turn>"
        case .llama3: return "<|eot_id|>"
        case .llama2: return "</s>"
        }
    }

    /// The prompt for `messages`, ending where the assistant's reply begins. A BOS token, when
    /// the tokenizer adds one, is not included here.
    public func render(_ messages: [ChatMessage]) -> String {
        var text = ""
        switch self {
        case .chatML:
            for message in messages { text += "<|im_start|>\(message.role.rawValue)\n\(message.content)<|im_end|>\n" }
            text += "<|im_start|>assistant\n"
        case .gemma:
            var pendingSystem = ""
            for message in messages {
                switch message.role {
                case .system: pendingSystem += message.content + "\n\n"
                case .user:
                    text += "<start_of_turn>user\n\(pendingSystem)\(message.content)<end_of_turn>\n"
                    pendingSystem = ""
                case .assistant: text += "<start_of_turn>model\n\(message.content)<end_of_turn>\n"
                }
            }
            text += "<start_of_turn>model\n"
        case .llama3:
            for message in messages {
                text += "<|start_header_id|>\(message.role.rawValue)<|end_header_id|>\n\n\(message.content)<|eot_id|>"
            }
            text += "<|start_header_id|>assistant<|end_header_id|>\n\n"
        case .llama2:
            var system = ""
            for message in messages {
                switch message.role {
                case .system: system = "<<SYS>>\n\(message.content)\n<</SYS>>\n\n"
                case .user:
                    text += "[INST] \(system)\(message.content) [/INST]"
                    system = ""
                case .assistant: text += " \(message.content) </s>"
                }
            }
        }
        return text
    }
}
