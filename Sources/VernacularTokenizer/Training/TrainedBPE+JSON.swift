import Foundation

extension TrainedBPE {
    /// The Hugging Face `tokenizer.json` of this vocabulary: NFC, a `Split` with the
    /// `hanIsolated` regex then `ByteLevel` without its own regex (the layout Qwen 2 uses),
    /// BPE with "left right" merges (readable by every `tokenizers` release, and unambiguous
    /// because byte-level tokens never hold a space), special tokens as added tokens.
    /// Written by hand so the vocabulary appears in id order.
    public func tokenizerJSON() -> Data {
        var out = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (id, token) in specialTokens.enumerated() {
            out += id == 0 ? "\n    " : ",\n    "
            out += "{\"id\": \(id), \"content\": \(Self.quoted(token)), \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}"
        }
        out += specialTokens.isEmpty ? "],\n" : "\n  ],\n"
        let byteLevel = "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": false, \"use_regex\": false}"
        out += "  \"normalizer\": {\"type\": \"NFC\"},\n"
        out += "  \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": "
            + Self.quoted(SplitPattern.hanIsolatedRegex) + "}, \"behavior\": \"Isolated\", \"invert\": false}, " + byteLevel + "]},\n"
        out += "  \"post_processor\": " + byteLevel + ",\n"
        out += "  \"decoder\": " + byteLevel + ",\n"
        out += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
            + "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n    \"fuse_unk\": false,\n"
            + "    \"byte_fallback\": false,\n    \"ignore_merges\": false,\n    \"vocab\": {"
        let texts = (0..<tokenBytes.count).map(entry)
        for (id, text) in texts.enumerated() {
            out += (id == 0 ? "\n      " : ",\n      ") + Self.quoted(text) + ": \(id)"
        }
        out += "\n    },\n    \"merges\": ["
        for (rank, merge) in merges.enumerated() {
            out += (rank == 0 ? "\n      " : ",\n      ") + Self.quoted(texts[Int(merge.left)] + " " + texts[Int(merge.right)])
        }
        out += "\n    ]\n  }\n}\n"
        return Data(out.utf8)
    }

    /// The vocabulary entry of `id`: a special token's text, else its bytes in the GPT-2 alphabet.
    func entry(_ id: Int) -> String {
        id < specialTokens.count ? specialTokens[id] : ByteLevelAlphabet.encode(tokenBytes[id])
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
