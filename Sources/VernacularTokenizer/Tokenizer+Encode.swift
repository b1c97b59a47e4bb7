extension Tokenizer {
    /// The ids of `text`. Added tokens in the text are matched first; with `addSpecialTokens`,
    /// BOS/EOS are added as the tokenizer's configuration asks.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [TokenID] {
        var output: [TokenID] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecialTokens && addsBOS { output.append(bosTokenID!) }
        var text = text
        text.withUTF8 { utf8 in
            for piece in addedMatcher.split(utf8) {
                switch piece {
                case .token(let id):
                    output.append(id)
                case .text(let range):
                    encodeSegment(UnsafeBufferPointer(rebasing: utf8[range]), atStart: range.lowerBound == 0, into: &output)
                }
            }
        }
        if addSpecialTokens && addsEOS { output.append(eosTokenID!) }
        return output
    }

    /// Encodes one run of plain text (no added tokens in it).
    private func encodeSegment(_ utf8: UnsafeBufferPointer<UInt8>, atStart: Bool, into output: inout [TokenID]) {
        var scalars: [UInt32] = []
        var offsets: [Int32] = []
        Tokenizer.decodeScalars(utf8, scalars: &scalars, offsets: &offsets)
        if nfc && !NFC.isTriviallyNormalized(scalars) {
            var normalized = NFC.normalize(String(decoding: utf8, as: UTF8.self))
            normalized.withUTF8 { normalizedUTF8 in
                var s: [UInt32] = []
                var o: [Int32] = []
                Tokenizer.decodeScalars(normalizedUTF8, scalars: &s, offsets: &o)
                encodeNormalized(normalizedUTF8, scalars: s, offsets: o, atStart: atStart, into: &output)
            }
            return
        }
        encodeNormalized(utf8, scalars: scalars, offsets: offsets, atStart: atStart, into: &output)
    }

    private func encodeNormalized(
        _ utf8: UnsafeBufferPointer<UInt8>, scalars: [UInt32], offsets: [Int32], atStart: Bool,
        into output: inout [TokenID]
    ) {
        switch model {
        case .byteLevel(let preTokenizer):
            encodeByteLevel(utf8, scalars: scalars, offsets: offsets, preTokenizer: preTokenizer, into: &output)
        case .sentencePiece(let options):
            encodeSentencePiece(scalars, options: options, atStart: atStart, into: &output)
        }
    }

    private func encodeByteLevel(
        _ utf8: UnsafeBufferPointer<UInt8>, scalars: [UInt32], offsets: [Int32], preTokenizer: PreTokenizer,
        into output: inout [TokenID]
    ) {
        let classes = scalars.map { ScalarClass(Unicode.Scalar($0)!) }
        var ends: [Int] = []
        ends.reserveCapacity(scalars.count / 3 + 1)
        scalars.withUnsafeBufferPointer { s in
            classes.withUnsafeBufferPointer { c in
                preTokenizer.split(scalars: s, classes: c, start: 0, end: s.count, ends: &ends)
            }
        }
        var symbols: [TokenID] = []
        var start = 0
        for end in ends {
            let lower = Int(offsets[start])
            let upper = end < offsets.count ? Int(offsets[end]) : utf8.count
            encodeWord(UnsafeBufferPointer(rebasing: utf8[lower..<upper]), symbols: &symbols, into: &output)
            start = end
        }
    }

    /// BPE over one byte-level word, through the cache.
    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, symbols: inout [TokenID], into output: inout [TokenID]) {
        if word.count == 1 {
            appendSymbol(byteIDs[Int(word[0])], into: &output)
            return
        }
        let cacheable = word.count <= WordCache.maxWordBytes
        let hash = cacheable ? WordCache.hash(word) : 0
        if cacheable && cache.lookup(word, hash: hash, into: &output) { return }
        symbols.removeAll(keepingCapacity: true)
        if ignoreMerges, let id = idForText[Array(ByteLevelAlphabet.encode(word).utf8)] {
            symbols.append(id)
        } else {
            for byte in word {
                let id = byteIDs[Int(byte)]
                if id >= 0 {
                    symbols.append(id)
                } else if let unknownID {
                    symbols.append(unknownID)
                }
            }
            BPEMerger.merge(&symbols, table: merges)
        }
        output.append(contentsOf: symbols)
        if cacheable { cache.store(word, hash: hash, ids: symbols) }
    }

    @inline(__always)
    private func appendSymbol(_ id: TokenID, into output: inout [TokenID]) {
        if id >= 0 {
            output.append(id)
        } else if let unknownID {
            output.append(unknownID)
        }
    }

    /// SentencePiece-style: the whole segment is one word of characters (no whitespace split,
    /// matching Gemma and Llama 2 in Hugging Face and llama.cpp).
    private func encodeSentencePiece(
        _ scalars: [UInt32], options: TokenizerDefinition.SentencePieceOptions, atStart: Bool,
        into output: inout [TokenID]
    ) {
        var symbols: [TokenID] = []
        symbols.reserveCapacity(scalars.count + 1)
        let space: UInt32 = 0x20
        let meta: UInt32 = 0x2581
        let prepend = options.prepend == .always || (options.prepend == .first && atStart)
        var lastWasUnknown = false
        func add(_ scalar: UInt32) {
            let value = options.replaceSpaces && scalar == space ? meta : scalar
            if let id = scalarIDs[value] {
                symbols.append(id)
                lastWasUnknown = false
                return
            }
            if options.byteFallback {
                var fallback: [TokenID] = []
                var utf8 = Unicode.UTF8.encode(Unicode.Scalar(value)!)!.makeIterator()
                while let byte = utf8.next() {
                    let id = byteIDs[Int(byte)]
                    if id < 0 { break }
                    fallback.append(id)
                }
                if fallback.count == Unicode.UTF8.width(Unicode.Scalar(value)!) {
                    symbols.append(contentsOf: fallback)
                    lastWasUnknown = false
                    return
                }
            }
            guard let unknownID else { return }
            if options.fuseUnknown && lastWasUnknown { return }
            symbols.append(unknownID)
            lastWasUnknown = true
        }
        if prepend { add(meta) }
        for scalar in scalars { add(scalar) }
        BPEMerger.merge(&symbols, table: merges)
        output.append(contentsOf: symbols)
    }

    /// Scalars of valid UTF-8 (Swift strings always are) and the byte offset of each.
    static func decodeScalars(_ utf8: UnsafeBufferPointer<UInt8>, scalars: inout [UInt32], offsets: inout [Int32]) {
        scalars.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        scalars.reserveCapacity(utf8.count)
        offsets.reserveCapacity(utf8.count)
        var i = 0
        let n = utf8.count
        while i < n {
            offsets.append(Int32(i))
            let b0 = UInt32(utf8[i])
            if b0 < 0x80 {
                scalars.append(b0)
                i += 1
            } else if b0 < 0xE0 {
                scalars.append((b0 & 0x1F) << 6 | UInt32(utf8[i + 1] & 0x3F))
                i += 2
            } else if b0 < 0xF0 {
                scalars.append((b0 & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F))
                i += 3
            } else {
                scalars.append(
                    (b0 & 0x07) << 18 | UInt32(utf8[i + 1] & 0x3F) << 12 | UInt32(utf8[i + 2] & 0x3F) << 6
                        | UInt32(utf8[i + 3] & 0x3F))
                i += 4
            }
        }
    }
}
