// Turns raw ggml tensor bytes into Float32: picks the kernel for the type, checks sizes once,
// and splits the blocks of big tensors across a fixed number of threads.

import Dispatch
import Foundation

/// Why a raw buffer could not be dequantised (GGUFFile adds the file and tensor name).
public enum DequantizationError: Error, Equatable, Sendable {
    /// No CPU kernel exists for this type.
    case unsupportedType(GGMLType)
    /// The byte count does not match the element count for this type.
    case sizeMismatch(type: GGMLType, bytes: Int, elements: Int)
}

/// CPU dequantisation of ggml tensor data to Float32.
public enum Dequantizer {
    /// Below this many elements one thread is used: dispatching costs more than it saves.
    public static let parallelThreshold = 1 << 18

    typealias Kernel = @Sendable (UnsafeRawPointer, UnsafeMutablePointer<Float>, Int) -> Void

    static func kernel(for type: GGMLType) -> Kernel? {
        switch type {
        case .f32: return copyF32
        case .f16: return convertF16
        case .bf16: return convertBF16
        case .q4_0: return { dequantizeQ4_0($0, $1, blocks: $2) }
        case .q4_1: return { dequantizeQ4_1($0, $1, blocks: $2) }
        case .q5_0: return { dequantizeQ5_0($0, $1, blocks: $2) }
        case .q5_1: return { dequantizeQ5_1($0, $1, blocks: $2) }
        case .q8_0: return { dequantizeQ8_0($0, $1, blocks: $2) }
        case .q4_K: return { dequantizeQ4_K($0, $1, blocks: $2) }
        case .q5_K: return { dequantizeQ5_K($0, $1, blocks: $2) }
        case .q6_K: return { dequantizeQ6_K($0, $1, blocks: $2) }
        case .q8_K: return { dequantizeQ8_K($0, $1, blocks: $2) }
        default: return nil
        }
    }

    /// Bytes that `elements` values of `type` occupy; nil for an unknown type, a count that is not
    /// whole blocks, or an overflow.
    public static func byteCount(of type: GGMLType, elements: Int) -> Int? {
        guard let block = type.blockSize, let bytes = type.blockBytes,
              elements >= 0, elements % block == 0 else { return nil }
        let (n, overflow) = (elements / block).multipliedReportingOverflow(by: bytes)
        return overflow ? nil : n
    }

    /// Dequantises `source` (whole blocks of `type`) into `destination`, one Float per element,
    /// in ggml element order. `threads` nil picks one per core for tensors above the threshold.
    public static func dequantize(_ type: GGMLType, from source: UnsafeRawBufferPointer,
                                  into destination: UnsafeMutableBufferPointer<Float>,
                                  threads: Int? = nil) throws(DequantizationError) {
        guard let kernel = kernel(for: type), let blockSize = type.blockSize,
              let blockBytes = type.blockBytes else {
            throw .unsupportedType(type)
        }
        let elements = destination.count
        guard byteCount(of: type, elements: elements) == source.count else {
            throw .sizeMismatch(type: type, bytes: source.count, elements: elements)
        }
        guard elements > 0, let src = source.baseAddress, let dst = destination.baseAddress else { return }
        let blocks = elements / blockSize

        let wanted = threads ?? (elements >= parallelThreshold ? ProcessInfo.processInfo.activeProcessorCount : 1)
        let workers = max(1, min(wanted, blocks))
        if workers == 1 {
            kernel(src, dst, blocks)
            return
        }
        // Contiguous, nearly equal runs of blocks (each a whole number of blocks, so no two
        // workers ever touch the same output float).
        let per = blocks / workers, extra = blocks % workers
        // Pointers are not Sendable; the addresses are, and each worker writes a disjoint range.
        let srcAddress = UInt(bitPattern: src), dstAddress = UInt(bitPattern: dst)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let first = w * per + min(w, extra)
            let count = per + (w < extra ? 1 : 0)
            let s = UnsafeRawPointer(bitPattern: srcAddress)! + first * blockBytes
            let d = UnsafeMutablePointer<Float>(bitPattern: dstAddress)! + first * blockSize
            kernel(s, d, count)
        }
    }

    /// `dequantize` on one thread: the order-free baseline the parallel split must reproduce exactly.
    public static func dequantizeSerial(_ type: GGMLType, from source: UnsafeRawBufferPointer,
                                        into destination: UnsafeMutableBufferPointer<Float>) throws(DequantizationError) {
        try dequantize(type, from: source, into: destination, threads: 1)
    }
}

/// F32: 4 bytes per weight, copied as is.
private func copyF32(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
    UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
}

/// F16: 2 bytes per weight, IEEE binary16.
private func convertF16(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
    for i in 0..<count {
        dst[i] = halfToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
    }
}

/// BF16: 2 bytes per weight, the top half of a float32.
private func convertBF16(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
    for i in 0..<count {
        dst[i] = bfloat16ToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
    }
}
