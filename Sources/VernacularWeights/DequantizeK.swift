// CPU dequantisation of ggml's 256-element "K" super-block formats (Q4_K, Q5_K, Q6_K, Q8_K).
// Layouts are those of ggml-common.h (QK_K = 256); each kernel states its own. `src` points at
// `blocks` consecutive super-blocks, `dst` at blocks * 256 floats. Per-sub-block factors are
// formed first (d * scale, dmin * min) as ggml does, so results match gguf-py bit for bit.

/// Unpacks sub-block `i` (0..<8) of the 12-byte, 6-bit scale/min array shared by Q4_K and Q5_K:
/// bytes 0-3 hold scales 0-3 (low 6 bits), bytes 4-7 mins 0-3 (low 6 bits); for i >= 4 the low
/// four bits come from the nibbles of bytes 8-11 and the top two from the spare bits of bytes 0-7.
@inline(__always)
private func scaleMinK4(_ scales: UnsafeRawPointer, _ i: Int) -> (scale: UInt8, min: UInt8) {
    let s = { (k: Int) in scales.load(fromByteOffset: k, as: UInt8.self) }
    if i < 4 {
        return (s(i) & 63, s(i + 4) & 63)
    }
    return ((s(i + 4) & 0x0f) | ((s(i - 4) >> 6) << 4),
            (s(i + 4) >> 4) | ((s(i) >> 6) << 4))
}

/// Q4_K: 144 bytes per 256 weights = f16 d | f16 dmin | u8 scales[12] | u8 qs[128].
/// Eight sub-blocks of 32, each with a 6-bit scale and min. 64-weight chunk c uses qs[32c..<32c+32]:
/// low nibbles are sub-block 2c, high nibbles sub-block 2c+1; x = (d * scale) * q - dmin * min.
func dequantizeQ4_K(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 144
        var out = dst + b * 256
        let d = loadHalf(block)
        let dmin = loadHalf(block, 2)
        let scales = block + 4
        let qs = block + 16
        for c in 0..<4 {
            let (sc0, m0) = scaleMinK4(scales, 2 * c)
            let (sc1, m1) = scaleMinK4(scales, 2 * c + 1)
            let d0 = d * Float(sc0), min0 = dmin * Float(m0)
            let d1 = d * Float(sc1), min1 = dmin * Float(m1)
            let q = qs + 32 * c
            for l in 0..<32 {
                let byte = q.load(fromByteOffset: l, as: UInt8.self)
                out[l] = d0 * Float(byte & 0x0f) - min0
                out[l + 32] = d1 * Float(byte >> 4) - min1
            }
            out += 64
        }
    }
}

/// Q5_K: 176 bytes per 256 weights = f16 d | f16 dmin | u8 scales[12] | u8 qh[32] | u8 qs[128].
/// As Q4_K, plus a fifth bit: weight l of sub-block i takes bit i of qh[l] as its bit 4.
func dequantizeQ5_K(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 176
        var out = dst + b * 256
        let d = loadHalf(block)
        let dmin = loadHalf(block, 2)
        let scales = block + 4
        let qh = block + 16
        let qs = block + 48
        for c in 0..<4 {
            let (sc0, m0) = scaleMinK4(scales, 2 * c)
            let (sc1, m1) = scaleMinK4(scales, 2 * c + 1)
            let d0 = d * Float(sc0), min0 = dmin * Float(m0)
            let d1 = d * Float(sc1), min1 = dmin * Float(m1)
            let q = qs + 32 * c
            let shift0 = UInt8(2 * c), shift1 = UInt8(2 * c + 1)
            for l in 0..<32 {
                let byte = q.load(fromByteOffset: l, as: UInt8.self)
                let high = qh.load(fromByteOffset: l, as: UInt8.self)
                let lo = (byte & 0x0f) | (((high >> shift0) & 1) << 4)
                let hi = (byte >> 4) | (((high >> shift1) & 1) << 4)
                out[l] = d0 * Float(lo) - min0
                out[l + 32] = d1 * Float(hi) - min1
            }
            out += 64
        }
    }
}

/// Q6_K: 210 bytes per 256 weights = u8 ql[128] | u8 qh[64] | i8 scales[16] | f16 d.
/// Sixteen sub-blocks of 16 with a signed 8-bit scale each; x = (d * scale) * (q - 32).
/// Each 128-weight half h uses ql[64h..], qh[32h..], scales[8h..]; for l < 32 its weights
/// l, l+32, l+64, l+96 take low nibbles of ql[l], ql[l+32], then high nibbles of ql[l], ql[l+32],
/// with bits 0-1, 2-3, 4-5, 6-7 of qh[l] as their top two bits.
func dequantizeQ6_K(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 210
        let d = loadHalf(block, 208)
        for h in 0..<2 {
            let ql = block + 64 * h
            let qh = block + 128 + 32 * h
            let sc = block + 192 + 8 * h
            let out = dst + b * 256 + 128 * h
            // Weights l < 16 of each 32-group use scale 2 * group, weights 16..<32 the next one.
            for part in 0..<2 {
                let f1 = d * Float(sc.load(fromByteOffset: part, as: Int8.self))
                let f2 = d * Float(sc.load(fromByteOffset: part + 2, as: Int8.self))
                let f3 = d * Float(sc.load(fromByteOffset: part + 4, as: Int8.self))
                let f4 = d * Float(sc.load(fromByteOffset: part + 6, as: Int8.self))
                for l in (16 * part)..<(16 * part + 16) {
                    let a = ql.load(fromByteOffset: l, as: UInt8.self)
                    let c = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                    let high = qh.load(fromByteOffset: l, as: UInt8.self)
                    let q1 = Int32((a & 0x0f) | ((high & 0x03) << 4)) - 32
                    let q2 = Int32((c & 0x0f) | (((high >> 2) & 0x03) << 4)) - 32
                    let q3 = Int32((a >> 4) | (((high >> 4) & 0x03) << 4)) - 32
                    let q4 = Int32((c >> 4) | (((high >> 6) & 0x03) << 4)) - 32
                    out[l] = f1 * Float(q1)
                    out[l + 32] = f2 * Float(q2)
                    out[l + 64] = f3 * Float(q3)
                    out[l + 96] = f4 * Float(q4)
                }
            }
        }
    }
}

/// Q8_K: 292 bytes per 256 weights = f32 d | i8 qs[256] | i16 bsums[16]; x = d * q.
/// (bsums only speed up dot products; dequantisation ignores them.)
func dequantizeQ8_K(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
    for b in 0..<blocks {
        let block = src + b * 292
        let out = dst + b * 256
        let d = Float(bitPattern: UInt32(littleEndian: block.loadUnaligned(as: UInt32.self)))
        for j in 0..<256 {
            out[j] = d * Float(block.load(fromByteOffset: 4 + j, as: Int8.self))
        }
    }
}
