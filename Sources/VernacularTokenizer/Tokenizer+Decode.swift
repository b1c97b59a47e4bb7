extension Tokenizer {
    /// The text of `ids`. Ids outside the vocabulary are skipped. Bytes that do not form whole
    /// UTF-8 characters become U+FFFD: one per byte for a bad run of `<0xNN>` tokens (as
    /// Hugging Face's `ByteFallback` decoder does), one per bad sequence for byte-level tokens.
    public func decode(_ ids: [TokenID], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        var byteRun: [UInt8] = []
        for id in ids {
            guard id >= 0, Int(id) < pieceBytes.count else { continue }
            let index = Int(id)
            if skipSpecialTokens && isSpecial[index] { continue }
            if isByteToken[index] {
                byteRun.append(pieceBytes[index][0])
                continue
            }
            if !byteRun.isEmpty { Tokenizer.flushByteRun(&byteRun, into: &bytes) }
            bytes.append(contentsOf: pieceBytes[index])
        }
        if !byteRun.isEmpty { Tokenizer.flushByteRun(&byteRun, into: &bytes) }
        if stripsLeadingSpace, bytes.first == 0x20 { bytes.removeFirst() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether decoding removes the dummy-prefix space of SentencePiece-style input.
    var stripsLeadingSpace: Bool {
        if case .sentencePiece(let options) = model { return options.stripLeadingSpace }
        return false
    }

    /// A decoder for streaming generation: feed ids one at a time, get back only whole characters.
    public func makeStreamingDecoder(skipSpecialTokens: Bool = false) -> StreamingDecoder {
        StreamingDecoder(tokenizer: self, skipSpecialTokens: skipSpecialTokens)
    }

    /// The UTF-8 bytes token `id` stands for; empty for special tokens and ids outside the
    /// vocabulary. Used to count the bytes and characters a scored token covers.
    public func tokenBytes(_ id: TokenID) -> [UInt8] {
        guard id >= 0, Int(id) < pieceBytes.count, !isSpecial[Int(id)] else { return [] }
        return pieceBytes[Int(id)]
    }

    /// The bytes one id decodes to on its own, or nil when it is skipped.
    func bytes(for id: TokenID, skipSpecialTokens: Bool) -> [UInt8]? {
        guard id >= 0, Int(id) < pieceBytes.count else { return nil }
        if skipSpecialTokens && isSpecial[Int(id)] { return nil }
        return pieceBytes[Int(id)]
    }

    private static func flushByteRun(_ run: inout [UInt8], into bytes: inout [UInt8]) {
        if isValidUTF8(run) {
            bytes.append(contentsOf: run)
        } else {
            for _ in run { bytes.append(contentsOf: [0xEF, 0xBF, 0xBD]) }
        }
        run.removeAll(keepingCapacity: true)
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
