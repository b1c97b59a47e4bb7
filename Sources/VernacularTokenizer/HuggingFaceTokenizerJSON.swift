import Foundation

extension Tokenizer {
    /// Loads a Hugging Face `tokenizer.json` file.
    public convenience init(huggingFaceJSONAt url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError.malformed("cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(huggingFaceJSON: data)
    }

    /// Builds a tokenizer from the contents of a Hugging Face `tokenizer.json` (BPE models only).
    /// `bosToken` and `eosToken` name the special tokens when the file's post-processor does not
    /// (transformers keeps them in tokenizer_config.json): they are then known, but not added.
    public convenience init(huggingFaceJSON data: Data, bosToken: String? = nil, eosToken: String? = nil) throws {
        var definition = try HuggingFaceTokenizerJSON.definition(from: data)
        func id(of text: String?) -> Int32? {
            guard let text else { return nil }
            return definition.vocab[Array(text.utf8)] ?? definition.addedTokens.first { $0.content == text }?.id
        }
        if definition.bosID == nil { definition.bosID = id(of: bosToken) }
        if definition.eosID == nil { definition.eosID = id(of: eosToken) }
        try self.init(definition: definition)
    }

    /// The same tokenizer file read with `other`'s special tokens where the file names none
    /// (an extended tokenizer.json written from a GGUF keeps the base's BOS and EOS this way).
    public func withSpecialTokens(of other: Tokenizer, json: Data) throws -> Tokenizer {
        guard bosTokenID == nil || eosTokenID == nil else { return self }
        return try Tokenizer(huggingFaceJSON: json, bosToken: other.bosTokenID.flatMap { other.tokenText(for: $0) },
                             eosToken: other.eosTokenID.flatMap { other.tokenText(for: $0) })
    }
}

/// Reads the parts of `tokenizer.json` we implement, and names any other part it meets.
enum HuggingFaceTokenizerJSON {
    typealias Object = [String: Any]

    static func definition(from data: Data) throws -> TokenizerDefinition {
        let root: Object
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? Object else {
                throw TokenizerError.malformed("tokenizer.json is not a JSON object")
            }
            root = object
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw TokenizerError.malformed("tokenizer.json is not valid JSON: \(error.localizedDescription)")
        }
        guard let model = root["model"] as? Object else { throw TokenizerError.malformed("missing 'model'") }
        let modelType = model["type"] as? String ?? "BPE"
        guard modelType == "BPE" else { throw TokenizerError.unsupported(component: "model", kind: modelType) }
        if let dropout = model["dropout"], !(dropout is NSNull) {
            throw TokenizerError.unsupported(component: "model option", kind: "BPE dropout")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = model[key] as? String, !affix.isEmpty {
                throw TokenizerError.unsupported(component: "model option", kind: "\(key) '\(affix)'")
            }
        }
        let bytes = [UInt8](data)
        let vocab = try JSONModelScanner.vocabulary(in: bytes)
        let merges = try JSONModelScanner.merges(in: bytes)
        let added = try parseAddedTokens(root["added_tokens"])

        let normalizer = try parseNormalizer(root["normalizer"])
        let pre = try parsePreTokenizer(root["pre_tokenizer"])
        let decoder = try parseDecoder(root["decoder"])
        let post = try parsePostProcessor(root["post_processor"])

        let byteFallback = model["byte_fallback"] as? Bool ?? false
        let isByteLevel = pre.byteLevel || decoder.byteLevel
        let definitionModel: TokenizerDefinition.Model
        if isByteLevel {
            guard !normalizer.replaceSpaces, normalizer.prepend == .never else {
                throw TokenizerError.unsupported(component: "normalizer", kind: "space replacement with a byte-level model")
            }
            definitionModel = .byteLevel(PreTokenizer(digits: pre.digits, pattern: pre.pattern))
        } else {
            guard pre.pattern == nil, pre.digits == nil else {
                throw TokenizerError.unsupported(component: "pre_tokenizer", kind: "regex or digit split without ByteLevel")
            }
            var options = TokenizerDefinition.SentencePieceOptions()
            options.replaceSpaces = normalizer.replaceSpaces || pre.metaspace
            options.prepend = pre.metaspace ? pre.prepend : normalizer.prepend
            options.byteFallback = byteFallback
            options.fuseUnknown = model["fuse_unk"] as? Bool ?? false
            options.stripLeadingSpace = decoder.stripLeadingSpace
            definitionModel = .sentencePiece(options)
        }

        var definition = TokenizerDefinition(model: definitionModel, vocab: vocab, merges: .pairs(merges))
        definition.nfc = normalizer.nfc
        definition.addedTokens = added
        definition.ignoreMerges = model["ignore_merges"] as? Bool ?? false
        if let unk = model["unk_token"] as? String {
            definition.unknownID = vocab[Array(unk.utf8)] ?? added.first { $0.content == unk }?.id
        }
        definition.bosID = post.bos
        definition.eosID = post.eos
        definition.addBOS = post.bos != nil
        definition.addEOS = post.eos != nil
        return definition
    }

    static func parseAddedTokens(_ value: Any?) throws -> [AddedToken] {
        guard let list = value as? [Object] else { return [] }
        return try list.map { entry in
            guard let content = entry["content"] as? String, let id = (entry["id"] as? NSNumber)?.int32Value else {
                throw TokenizerError.malformed("added token without content or id")
            }
            if entry["single_word"] as? Bool == true {
                throw TokenizerError.unsupported(component: "added token option", kind: "single_word on '\(content)'")
            }
            return AddedToken(
                content: content, id: id, special: entry["special"] as? Bool ?? false,
                lstrip: entry["lstrip"] as? Bool ?? false, rstrip: entry["rstrip"] as? Bool ?? false)
        }
    }

    struct Normalizer {
        var nfc = false
        var replaceSpaces = false
        var prepend = TokenizerDefinition.PrependScheme.never
    }

    static func parseNormalizer(_ value: Any?) throws -> Normalizer {
        var result = Normalizer()
        guard let object = value as? Object else { return result }
        func visit(_ n: Object) throws {
            let type = n["type"] as? String ?? "?"
            switch type {
            case "Sequence":
                for child in n["normalizers"] as? [Object] ?? [] { try visit(child) }
            case "NFC":
                result.nfc = true
            case "Replace":
                guard (n["pattern"] as? Object)?["String"] as? String == " ", n["content"] as? String == "\u{2581}" else {
                    throw TokenizerError.unsupported(component: "normalizer", kind: "Replace other than ' ' -> '\u{2581}'")
                }
                result.replaceSpaces = true
            case "Prepend":
                guard n["prepend"] as? String == "\u{2581}" else {
                    throw TokenizerError.unsupported(component: "normalizer", kind: "Prepend other than '\u{2581}'")
                }
                result.prepend = .always
            default:
                throw TokenizerError.unsupported(component: "normalizer", kind: type)
            }
        }
        try visit(object)
        return result
    }

    struct PreTokenization {
        var byteLevel = false
        var pattern: SplitPattern?
        var digits: PreTokenizer.DigitSplit?
        var metaspace = false
        var prepend = TokenizerDefinition.PrependScheme.never
    }

    static func parsePreTokenizer(_ value: Any?) throws -> PreTokenization {
        var result = PreTokenization()
        guard let object = value as? Object else { return result }
        func visit(_ p: Object) throws {
            let type = p["type"] as? String ?? "?"
            switch type {
            case "Sequence":
                for child in p["pretokenizers"] as? [Object] ?? [] { try visit(child) }
            case "ByteLevel":
                if p["add_prefix_space"] as? Bool == true {
                    throw TokenizerError.unsupported(component: "pre_tokenizer", kind: "ByteLevel with add_prefix_space")
                }
                result.byteLevel = true
                if p["use_regex"] as? Bool ?? true {
                    guard result.pattern == nil else {
                        throw TokenizerError.unsupported(component: "pre_tokenizer", kind: "two split patterns")
                    }
                    result.pattern = .gpt2
                }
            case "Split":
                let regex = (p["pattern"] as? Object)?["Regex"] as? String ?? "(not a regex)"
                guard p["behavior"] as? String == "Isolated", p["invert"] as? Bool != true,
                    let pattern = SplitPattern(regex: regex), result.pattern == nil
                else {
                    throw TokenizerError.unsupported(component: "pre_tokenizer", kind: "Split \(regex)")
                }
                result.pattern = pattern
            case "Digits":
                result.digits = p["individual_digits"] as? Bool == true ? .individual : .runs
            case "Metaspace":
                guard p["replacement"] as? String ?? "\u{2581}" == "\u{2581}", p["split"] as? Bool != true else {
                    throw TokenizerError.unsupported(component: "pre_tokenizer", kind: "Metaspace with split or another replacement")
                }
                result.metaspace = true
                switch p["prepend_scheme"] as? String {
                case "always": result.prepend = .always
                case "first": result.prepend = .first
                case "never": result.prepend = .never
                default: result.prepend = p["add_prefix_space"] as? Bool == false ? .never : .always
                }
            default:
                throw TokenizerError.unsupported(component: "pre_tokenizer", kind: type)
            }
        }
        try visit(object)
        return result
    }

    struct Decoding {
        var byteLevel = false
        var stripLeadingSpace = false
    }

    static func parseDecoder(_ value: Any?) throws -> Decoding {
        var result = Decoding()
        guard let object = value as? Object else { return result }
        func visit(_ d: Object) throws {
            let type = d["type"] as? String ?? "?"
            switch type {
            case "Sequence":
                for child in d["decoders"] as? [Object] ?? [] { try visit(child) }
            case "ByteLevel":
                result.byteLevel = true
            case "ByteFallback", "Fuse":
                break
            case "Replace":
                guard (d["pattern"] as? Object)?["String"] as? String == "\u{2581}", d["content"] as? String == " " else {
                    throw TokenizerError.unsupported(component: "decoder", kind: "Replace other than '\u{2581}' -> ' '")
                }
            case "Strip":
                guard d["content"] as? String == " ", (d["start"] as? NSNumber)?.intValue ?? 0 <= 1,
                    (d["stop"] as? NSNumber)?.intValue ?? 0 == 0
                else {
                    throw TokenizerError.unsupported(component: "decoder", kind: "Strip other than one leading space")
                }
                result.stripLeadingSpace = (d["start"] as? NSNumber)?.intValue == 1
            case "Metaspace":
                let scheme = d["prepend_scheme"] as? String
                result.stripLeadingSpace = scheme == "always" || scheme == "first" || (scheme == nil && d["add_prefix_space"] as? Bool != false)
            default:
                throw TokenizerError.unsupported(component: "decoder", kind: type)
            }
        }
        try visit(object)
        return result
    }

    struct PostProcessing {
        var bos: Int32?
        var eos: Int32?
    }

    static func parsePostProcessor(_ value: Any?) throws -> PostProcessing {
        var result = PostProcessing()
        guard let object = value as? Object else { return result }
        func visit(_ p: Object) throws {
            let type = p["type"] as? String ?? "?"
            switch type {
            case "Sequence":
                for child in p["processors"] as? [Object] ?? [] { try visit(child) }
            case "ByteLevel":
                break  // only adjusts offsets
            case "TemplateProcessing":
                let single = p["single"] as? [Object] ?? []
                let specials = p["special_tokens"] as? [String: Object] ?? [:]
                var seenSequence = false
                for item in single {
                    if item["Sequence"] != nil {
                        seenSequence = true
                        continue
                    }
                    guard let name = (item["SpecialToken"] as? Object)?["id"] as? String,
                        let ids = specials[name]?["ids"] as? [NSNumber], ids.count == 1
                    else {
                        throw TokenizerError.unsupported(component: "post_processor", kind: "TemplateProcessing item \(item)")
                    }
                    if seenSequence {
                        guard result.eos == nil else { throw TokenizerError.unsupported(component: "post_processor", kind: "two trailing special tokens") }
                        result.eos = ids[0].int32Value
                    } else {
                        guard result.bos == nil else { throw TokenizerError.unsupported(component: "post_processor", kind: "two leading special tokens") }
                        result.bos = ids[0].int32Value
                    }
                }
            default:
                throw TokenizerError.unsupported(component: "post_processor", kind: type)
            }
        }
        try visit(object)
        return result
    }
}
