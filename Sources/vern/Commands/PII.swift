import ArgumentParser
import Foundation
import VernacularCore
import VernacularQuality

extension PIIKind: ExpressibleByArgument {}

extension Vern {
    struct PII: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pii",
            abstract: "Find and redact personal information (e-mail, phone, HKID, card numbers, IP addresses).",
            subcommands: [Redact.self])
    }
}

extension Vern.PII {
    struct Redact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redact lines read on standard input.",
            discussion: """
                Writes one line per input line, with each match replaced by <EMAIL>, <PHONE>, <HKID>, \
                <CARD> or <IP>. Identity card and card numbers count only with a valid check digit. \
                With --counts, prints KIND<TAB>COUNT lines to standard error at the end.
                """)

        @Option(name: .customLong("kind"), help: "Redact only this kind (repeat for more; default: all).")
        var kinds: [PIIKind] = []

        @Flag(help: "Print the number of matches per kind to standard error.")
        var counts = false

        func run() throws {
            let redactor = PIIRedactor(kinds: kinds.isEmpty ? Set(PIIKind.allCases) : Set(kinds))
            let reader = LineReader(source: try FileByteSource(path: "/dev/stdin"), path: "<stdin>")
            let output = FileHandle.standardOutput
            let found = try PIIStreams.redactLines(from: reader, redactor: redactor) { output.write(Data($0)) }
            if counts {
                let lines = PIIKind.allCases.map { "\($0.rawValue)\t\(found[$0])\n" }.joined()
                FileHandle.standardError.write(Data(lines.utf8))
            }
        }
    }
}
