// Encoding throughput of VernacularTokenizer on the bench corpus, one encode per line; compare
// with bench_tokenizers.py. Build (release, outside SwiftPM so Package.swift stays library-only):
//   swiftc -O -parse-as-library Sources/VernacularTokenizer/*.swift bench/tokenize/TokenizerBench.swift -o .build/tokbench
//   .build/tokbench CORPUS tokenizer.json|gguf-tokenizer.json ...
import Foundation

@main
struct TokenizerBench {
    static func main() throws {
        let args = CommandLine.arguments.dropFirst()
        guard let corpus = args.first else {
            print("usage: tokbench CORPUS TOKENIZER...")
            return
        }
        var lines = try String(contentsOfFile: corpus, encoding: .utf8).components(separatedBy: "\n")
        lines.removeLast()
        let size = lines.reduce(0) { $0 + $1.utf8.count }
        for path in args.dropFirst() {
            let loadStart = Date()
            let tokenizer: Tokenizer
            if path.hasSuffix(".gguf-tokenizer.json") {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                tokenizer = try Tokenizer(gguf: JSONDecoder().decode(GGUFTokenizerData.self, from: data))
            } else {
                tokenizer = try Tokenizer(huggingFaceJSONAt: URL(fileURLWithPath: path))
            }
            let load = Date().timeIntervalSince(loadStart)
            var best = Double.infinity
            var count = 0
            var checksum: UInt64 = 0
            for _ in 0..<3 {
                count = 0
                checksum = 0
                let start = Date()
                for line in lines {
                    let ids = tokenizer.encode(line, addSpecialTokens: false)
                    count += ids.count
                    for id in ids { checksum = (checksum &* 31 &+ UInt64(id)) & 0xFFFF_FFFF_FFFF }
                }
                best = min(best, Date().timeIntervalSince(start))
            }
            let name = (path as NSString).lastPathComponent
            print("\(name)\tswift, 1 thread\t\(String(format: "%.2f", Double(size) / best / 1e6)) MB/s\t\(count) tokens\tchecksum \(checksum)\tload \(String(format: "%.2f", load)) s")
        }
    }
}
