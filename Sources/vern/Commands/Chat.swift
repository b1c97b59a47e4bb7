import ArgumentParser
import Foundation
import VernacularModels

extension Vern {
    struct Chat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chat with a model in the terminal (one line per turn; /reset clears, /quit or end of input leaves).")

        @OptionGroup var model: ModelOptions
        @OptionGroup var sampling: SamplingOptions

        @Option(help: "A system prompt.")
        var system: String?

        func run() throws {
            let loaded = try model.load()
            let generator = Generator(loaded)
            var messages: [ChatMessage] = system.map { [ChatMessage(role: .system, content: $0)] } ?? []
            let interactive = isatty(STDIN_FILENO) == 1
            while true {
                if interactive { FileHandle.standardOutput.write(Data("> ".utf8)) }
                guard let line = readLine() else { break }
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                if text == "/quit" { break }
                if text == "/reset" {
                    messages.removeAll { $0.role != .system }
                    continue
                }
                messages.append(ChatMessage(role: .user, content: text))
                let result = try generator.generate(prompt: generator.chatPrompt(messages), parameters: sampling.parameters) { piece in
                    FileHandle.standardOutput.write(Data(piece.utf8))
                    return true
                }
                print("")
                messages.append(ChatMessage(role: .assistant, content: result.text))
            }
        }
    }
}
