import Foundation

// The model file (`.vlid`), little-endian throughout:
//
//   magic        4 bytes  "VLID"
//   version      u32      1
//   classes      u32      C, then C x (u8 length, UTF-8 label)
//   hash_bits    u32      B = 2^hash_bits buckets
//   max_n        u32      longest character n-gram
//   markers      u32      M, then M x (u8 kind: 0 Cantonese, 1 SWC, 2 shared; u8 length; UTF-8 text)
//   shape        u32      X, the number of shape features this file was written with
//   temperature  f32      softmax temperature
//   weights      f16      (B + M + X) x C, feature-major
//
// Half precision keeps the default model (2^17 buckets, 4 classes) near 1 MB; the rounding moves
// logits by far less than the margins the classifier relies on (checked in the tests).

extension LangIDModel {
    static let magic: [UInt8] = Array("VLID".utf8)
    static let formatVersion: UInt32 = 1

    /// The model as file bytes (see the format above).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = Self.magic
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func text(_ string: String) {
            let bytes = Array(string.utf8.prefix(255))
            out.append(UInt8(bytes.count))
            out.append(contentsOf: bytes)
        }
        u32(Self.formatVersion)
        u32(UInt32(labels.count))
        for label in labels { text(label.rawValue) }
        u32(UInt32(hashBits))
        u32(UInt32(maxN))
        u32(UInt32(markers.count))
        for marker in markers {
            out.append(marker.kind.rawValue)
            text(marker.text)
        }
        u32(UInt32(ShapeFeature.count))
        u32(temperature.bitPattern)
        out.reserveCapacity(out.count + weights.count * 2)
        for weight in weights {
            withUnsafeBytes(of: Float16(weight).bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Writes the model to `url`.
    public func save(to url: URL) throws {
        do {
            try Data(serialized()).write(to: url, options: .atomic)
        } catch {
            throw LangIDError.unreadableFile(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads a model file written by `save(to:)`.
    public static func load(from url: URL) throws(LangIDError) -> LangIDModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        return try decode(Array(data), path: url.path)
    }

    /// Decodes model bytes; `path` names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String = "<bytes>") throws(LangIDError) -> LangIDModel {
        var reader = ByteReader(bytes: bytes, path: path)
        guard try reader.take(4) == magic else { throw .badModelFile(path: path, reason: "wrong magic (expected VLID)") }
        let version = try reader.u32()
        guard version == formatVersion else {
            throw .badModelFile(path: path, reason: "format version \(version), this build reads \(formatVersion)")
        }
        let classCount = Int(try reader.u32())
        guard (1...16).contains(classCount) else { throw .badModelFile(path: path, reason: "\(classCount) classes") }
        var labels: [LangIDLabel] = []
        for _ in 0..<classCount {
            let name = try reader.text()
            guard let label = LangIDLabel(rawValue: name) else {
                throw .badModelFile(path: path, reason: "unknown label '\(name)'")
            }
            labels.append(label)
        }
        let hashBits = Int(try reader.u32())
        let maxN = Int(try reader.u32())
        let markerCount = Int(try reader.u32())
        guard markerCount <= 100_000 else { throw .badModelFile(path: path, reason: "\(markerCount) markers") }
        var markers: [LexiconMarker] = []
        for _ in 0..<markerCount {
            guard let kind = LexiconMarker.Kind(rawValue: try reader.take(1)[0]) else {
                throw .badModelFile(path: path, reason: "unknown marker kind")
            }
            markers.append(try LexiconMarker(try reader.text(), kind: kind))
        }
        let shapeCount = Int(try reader.u32())
        guard shapeCount == ShapeFeature.count else {
            throw .badModelFile(path: path, reason: "written with \(shapeCount) shape features, this build has \(ShapeFeature.count)")
        }
        let temperature = Float(bitPattern: try reader.u32())
        var model: LangIDModel
        do {
            model = try LangIDModel(labels: labels, hashBits: hashBits, maxN: maxN, markers: markers)
        } catch {
            throw .badModelFile(path: path, reason: error.description)
        }
        guard temperature.isFinite, temperature > 0 else { throw .badModelFile(path: path, reason: "temperature \(temperature)") }
        model.temperature = temperature
        let expected = model.weights.count * 2
        guard reader.remaining == expected else {
            throw .badModelFile(path: path, reason: "\(reader.remaining) weight bytes, expected \(expected)")
        }
        let raw = try reader.take(expected)
        raw.withUnsafeBytes { buffer in
            model.weights.withUnsafeMutableBufferPointer { weights in
                for i in 0..<weights.count {
                    weights[i] = Self.float(halfBits: UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)))
                }
            }
        }
        return model
    }

    /// IEEE half to single precision with integer operations and one multiply, exact for every
    /// bit pattern: start-up of `vern langid classify` spent a tenth of its time in the library's
    /// per-value software conversion. Reference: `Float(Float16(bitPattern:))` (tested).
    @inline(__always)
    static func float(halfBits h: UInt16) -> Float {
        let magnitude = UInt32(h & 0x7FFF)
        // Exponent and mantissa moved to single-precision position, then scaled by 2^112 (the gap
        // between the two exponent biases); subnormal halves come out normalised.
        var value = Float(bitPattern: magnitude << 13) * Float(bitPattern: 0x7780_0000)
        if magnitude >= 0x7C00 { value = Float(bitPattern: 0x7F80_0000 | magnitude << 13) }  // infinity, NaN
        return Float(bitPattern: value.bitPattern | UInt32(h & 0x8000) << 16)
    }
}

/// Reads little-endian fields, throwing (never trapping) at a short file.
private struct ByteReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int) throws(LangIDError) -> [UInt8] {
        guard count >= 0, remaining >= count else {
            throw .badModelFile(path: path, reason: "truncated at byte \(offset)")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u32() throws(LangIDError) -> UInt32 {
        let b = try take(4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    mutating func text() throws(LangIDError) -> String {
        let length = Int(try take(1)[0])
        guard let string = String(validating: try take(length), as: UTF8.self) else {
            throw .badModelFile(path: path, reason: "invalid UTF-8 at byte \(offset - length)")
        }
        return string
    }
}
