// Half-precision (IEEE binary16) and bfloat16 to Float32, by bit manipulation.
// Written out rather than via `Float16` so that it is fast on x86 without F16C (where
// `Float16 -> Float` becomes a library call) and identical on every platform.

#if _endian(big)
#error("VernacularWeights reads little-endian weight files in place and assumes a little-endian host")
#endif

/// IEEE half bits to Float, exact for every input (subnormals, infinities, NaN payloads).
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let magnitude = UInt32(h & 0x7fff) << 13
    // Shifted into a float, the half's exponent is biased by 15 instead of 127: multiplying by
    // 2^112 fixes the bias exactly, and turns half subnormals into the right float normals.
    var bits = (Float(bitPattern: magnitude) * 0x1p112).bitPattern
    if h & 0x7c00 == 0x7c00 {
        // Infinity or NaN: maximal exponent, payload kept.
        bits = magnitude | 0x7f80_0000
    }
    return Float(bitPattern: bits | sign)
}

/// bfloat16 bits to Float: bf16 is the top half of a float32.
@inline(__always)
func bfloat16ToFloat(_ h: UInt16) -> Float {
    Float(bitPattern: UInt32(h) << 16)
}

/// Reads a little-endian half at `offset` bytes from `p` as Float.
@inline(__always)
func loadHalf(_ p: UnsafeRawPointer, _ offset: Int = 0) -> Float {
    halfToFloat(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
}
