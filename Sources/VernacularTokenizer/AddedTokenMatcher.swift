/// A token matched verbatim in the input before any normalisation or BPE, such as
/// `<|im_start|>` or `<start_of_turn>`.
public struct AddedToken: Equatable, Sendable {
    /// The literal text.
    public var content: String
    /// Its id.
    public var id: Int32
    /// Special tokens are dropped by `decode(_:skipSpecialTokens: true)`.
    public var special: Bool
    /// Whether the match also swallows whitespace on its left.
    public var lstrip: Bool
    /// Whether the match also swallows whitespace on its right.
    public var rstrip: Bool

    public init(content: String, id: Int32, special: Bool, lstrip: Bool = false, rstrip: Bool = false) {
        self.content = content
        self.id = id
        self.special = special
        self.lstrip = lstrip
        self.rstrip = rstrip
    }
}

/// Cuts UTF-8 text into plain runs and added tokens, taking the longest token at the leftmost
/// position (Hugging Face's leftmost-longest rule), with a byte trie.
struct AddedTokenMatcher: Sendable {
    enum Piece: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    private var children: [[UInt8: Int32]] = [[:]]
    private var terminal: [Int32] = [-1]  // index into `tokens`, -1 when none
    private var tokens: [AddedToken] = []
    private var startsToken = [Bool](repeating: false, count: 256)

    var isEmpty: Bool { tokens.isEmpty }

    init(_ added: [AddedToken]) {
        for token in added where !token.content.isEmpty {
            var node = 0
            for byte in token.content.utf8 {
                if let child = children[node][byte] {
                    node = Int(child)
                } else {
                    children.append([:])
                    terminal.append(-1)
                    children[node][byte] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            // A later duplicate content overrides an earlier one.
            terminal[node] = Int32(tokens.count)
            tokens.append(token)
            startsToken[Int(token.content.utf8.first!)] = true
        }
    }

    /// The pieces of `bytes`, in order; empty text runs are left out.
    func split(_ bytes: UnsafeBufferPointer<UInt8>) -> [Piece] {
        if tokens.isEmpty { return bytes.isEmpty ? [] : [.text(0..<bytes.count)] }
        var pieces: [Piece] = []
        var textStart = 0
        var i = 0
        let n = bytes.count
        while i < n {
            guard startsToken[Int(bytes[i])], let (tokenIndex, end) = longestMatch(bytes, at: i) else {
                i += 1
                continue
            }
            let token = tokens[tokenIndex]
            var textEnd = i
            if token.lstrip {
                while textEnd > textStart, AddedTokenMatcher.isASCIIWhitespace(bytes[textEnd - 1]) { textEnd -= 1 }
            }
            if textStart < textEnd { pieces.append(.text(textStart..<textEnd)) }
            pieces.append(.token(token.id))
            var after = end
            if token.rstrip {
                while after < n, AddedTokenMatcher.isASCIIWhitespace(bytes[after]) { after += 1 }
            }
            textStart = after
            i = after
        }
        if textStart < n { pieces.append(.text(textStart..<n)) }
        return pieces
    }

    private func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, Int)? {
        var node = 0
        var best: (Int, Int)?
        var i = start
        while i < bytes.count, let child = children[node][bytes[i]] {
            node = Int(child)
            i += 1
            if terminal[node] >= 0 { best = (Int(terminal[node]), i) }
        }
        return best
    }

    // lstrip/rstrip only ever meet ASCII spacing around chat-template tokens.
    private static func isASCIIWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }
}
