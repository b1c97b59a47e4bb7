import Foundation

extension GGUFTokenizerData {
    /// A Hugging Face `tokenizer.json` that encodes as this GGUF tokenizer does, every id kept.
    ///
    /// "gpt2" models keep their merges and get the pre-tokeniser `tokenizer.ggml.pre` names.
    /// "llama" (SentencePiece BPE) models get their scores as ranked merges: every cut of a
    /// normal token into two tokens, ranked by the token's score (higher first, then lower id),
    /// the rule `Tokenizer(gguf:)` encodes with; spaces become U+2581 in a normaliser (after a
    /// `Prepend` when the model adds a dummy prefix), and unknown characters fall back to
    /// `<0xNN>` tokens. Control tokens become special added tokens, user-defined tokens plain
    /// ones; BOS is added by a template when `add_bos_token` asks. Strings are written byte for
    /// byte, so canonically equivalent tokens stay distinct.
    public func huggingFaceJSON() throws -> Data {
        let definition = try GGUFTokenizerBuilder.definition(from: self)
        var w = JSONBytes()
        w.raw("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[")
        for (index, token) in definition.addedTokens.sorted(by: { $0.id < $1.id }).enumerated() {
            if index > 0 { w.raw(",") }
            w.raw("{\"id\":\(token.id),\"content\":")
            w.string(token.content)
            w.raw(",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":\(token.special)}")
        }
        w.raw("],")

        let isSentencePiece: Bool
        switch model {
        case "gpt2":
            isSentencePiece = false
            let (preTokenizer, nfc) = try GGUFTokenizerBuilder.byteLevelPreTokenizer(pre)
            w.raw(nfc ? "\"normalizer\":{\"type\":\"NFC\"}," : "\"normalizer\":null,")
            var steps: [String] = []
            if preTokenizer.digits == .individual { steps.append("{\"type\":\"Digits\",\"individual_digits\":true}") }
            let byteLevel = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":"
            switch preTokenizer.pattern {
            case .gpt2?, nil:
                steps.append(byteLevel + "true}")
            case let pattern?:
                // Other patterns are a Split before a ByteLevel that only maps bytes.
                var split = JSONBytes()
                split.raw("{\"type\":\"Split\",\"pattern\":{\"Regex\":")
                split.string(pattern.regex)
                split.raw("},\"behavior\":\"Isolated\",\"invert\":false}")
                steps.append(String(decoding: split.bytes, as: UTF8.self))
                steps.append(byteLevel + "false}")
            }
            w.raw("\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[" + steps.joined(separator: ",") + "]},")
        case "llama":
            isSentencePiece = true
            let prefix = addSpacePrefix ?? true
            let replace = "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\u{2581}\"}"
            w.raw("\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":["
                  + (prefix ? "{\"type\":\"Prepend\",\"prepend\":\"\u{2581}\"}," : "") + replace + "]},")
            w.raw("\"pre_tokenizer\":null,")
        default:
            throw TokenizerError.unsupported(component: "tokenizer.ggml.model", kind: model)
        }

        if definition.addBOS, let bos = definition.bosID {
            var name = JSONBytes()
            name.string(tokens[Int(bos)])
            let quoted = String(decoding: name.bytes, as: UTF8.self)
            w.raw("\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\(quoted),\"type_id\":0}},"
                  + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],\"pair\":[{\"SpecialToken\":{\"id\":\(quoted),\"type_id\":0}},"
                  + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],"
                  + "\"special_tokens\":{\(quoted):{\"id\":\(quoted),\"ids\":[\(bos)],\"tokens\":[\(quoted)]}}},")
        } else {
            w.raw("\"post_processor\":null,")
        }
        if isSentencePiece {
            let strip = (addSpacePrefix ?? true) ? ",{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}" : ""
            w.raw("\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":\"\u{2581}\"},"
                  + "\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}" + strip + "]},")
        } else {
            w.raw("\"decoder\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},")
        }

        w.raw("\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":")
        if isSentencePiece, let unknown = definition.unknownID {
            w.string(tokens[Int(unknown)])
        } else {
            w.raw("null")
        }
        w.raw(",\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":\(isSentencePiece),"
              + "\"ignore_merges\":false,\"vocab\":{")
        // In id order; a repeated text keeps its first id, as the loaders do.
        var written = 0
        for (id, text) in tokens.enumerated() where definition.vocab[Array(text.utf8)] == Int32(id) {
            if written > 0 { w.raw(",") }
            w.string(text)
            w.raw(":\(id)")
            written += 1
        }
        w.raw("},\"merges\":[")
        switch definition.merges {
        case .pairs(let pairs):
            for (index, (left, right)) in pairs.enumerated() {
                if index > 0 { w.raw(",") }
                w.pair(left, right)
            }
        case .scores(let scores, let mergeable):
            let texts: [String?] = tokens.map { $0 }
            let ranked = Tokenizer.scoreMerges(scores: scores, mergeable: mergeable, vocab: definition.vocab, texts: texts)
            for (index, merge) in ranked.enumerated() {
                if index > 0 { w.raw(",") }
                w.pair(Array(tokens[Int(merge.left)].utf8), Array(tokens[Int(merge.right)].utf8))
            }
        }
        w.raw("]}}")
        return Data(w.bytes)
    }
}

/// Appends JSON text as UTF-8 bytes. Strings are escaped by hand rather than through
/// `JSONSerialization`: a quarter of a million vocabulary entries and half a million merges go
/// through here, and only '"', '\' and control characters need escaping.
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) { string(Array(text.utf8)) }

    mutating func string(_ utf8: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A merge as a two-string list (the form `tokenizers` >= 0.20 writes; a space inside a
    /// token cannot be confused with the separator).
    mutating func pair(_ left: [UInt8], _ right: [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        string(left)
        bytes.append(UInt8(ascii: ","))
        string(right)
        bytes.append(UInt8(ascii: "]"))
    }
}
