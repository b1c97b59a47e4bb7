// CPU dequantisation of ggml's 32-element block formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0).
// Layouts are those of ggml-common.h; each kernel states its own. `src` points at `blocks`
// consecutive blocks, `dst` at blocks * 32 floats. Arithmetic matches ggml's reference order
// (q * d, then + m) so results are bit-identical to gguf-py's numpy dequantisation.

/// Q4_0: 18 bytes per 32 weights = f16 d | u8 qs[16].
/// Weight j < 16 is the low nibble of qs[j], weight j + 16 its high nibble; x = (q - 8) * d.
func dequantizeQ4_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 18
        let out = dst + b * 32
        let d = loadHalf(block)
        let qs = block + 2
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            out[j] = Float(Int32(q & 0x0f) - 8) * d
            out[j + 16] = Float(Int32(q >> 4) - 8) * d
        }
    }
}

/// Q4_1: 20 bytes per 32 weights = f16 d | f16 m | u8 qs[16].
/// Nibbles as in Q4_0 but unsigned; x = q * d + m.
func dequantizeQ4_1(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 20
        let out = dst + b * 32
        let d = loadHalf(block)
        let m = loadHalf(block, 2)
        let qs = block + 4
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            out[j] = Float(q & 0x0f) * d + m
            out[j + 16] = Float(q >> 4) * d + m
        }
    }
}

/// Q5_0: 22 bytes per 32 weights = f16 d | u32 qh (little-endian) | u8 qs[16].
/// Weight j's fifth bit is bit j of qh; low four bits as in Q4_0; x = (q - 16) * d.
func dequantizeQ5_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 22
        let out = dst + b * 32
        let d = loadHalf(block)
        let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        let qs = block + 6
        for j in 0..<16 {
            let q = UInt32(qs.load(fromByteOffset: j, as: UInt8.self))
            let lo = (q & 0x0f) | (((qh >> UInt32(j)) & 1) << 4)
            let hi = (q >> 4) | (((qh >> UInt32(j + 16)) & 1) << 4)
            out[j] = Float(Int32(lo) - 16) * d
            out[j + 16] = Float(Int32(hi) - 16) * d
        }
    }
}

/// Q5_1: 24 bytes per 32 weights = f16 d | f16 m | u32 qh | u8 qs[16].
/// Bits as in Q5_0 but unsigned; x = q * d + m.
func dequantizeQ5_1(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 24
        let out = dst + b * 32
        let d = loadHalf(block)
        let m = loadHalf(block, 2)
        let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let qs = block + 8
        for j in 0..<16 {
            let q = UInt32(qs.load(fromByteOffset: j, as: UInt8.self))
            let lo = (q & 0x0f) | (((qh >> UInt32(j)) & 1) << 4)
            let hi = (q >> 4) | (((qh >> UInt32(j + 16)) & 1) << 4)
            out[j] = Float(lo) * d + m
            out[j + 16] = Float(hi) * d + m
        }
    }
}

/// Q8_0: 34 bytes per 32 weights = f16 d | i8 qs[32]; x = q * d.
func dequantizeQ8_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 34
        let out = dst + b * 32
        let d = loadHalf(block)
        let qs = block + 2
        for j in 0..<32 {
            out[j] = Float(qs.load(fromByteOffset: j, as: Int8.self)) * d
        }
    }
}
