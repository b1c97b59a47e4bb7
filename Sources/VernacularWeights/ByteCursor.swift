// A bounds-checked little-endian cursor over mapped bytes. Every read checks what is left first,
// so a truncated or lying header becomes a thrown error, never an out-of-bounds read.

struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var offset: Int = 0

    init(_ bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Bytes not yet read.
    var remaining: Int { bytes.count - offset }

    private func need(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count <= remaining else {
            throw WeightFileError(path: path, .truncated(what: what(), offset: offset, needed: count - remaining))
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    /// Reads `count` raw bytes; `count` is checked against what is left before anything is touched.
    mutating func readBytes(_ count: UInt64, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        guard count <= UInt64(remaining) else {
            throw WeightFileError(path: path, .truncated(what: what(), offset: offset,
                                                         needed: count > UInt64(Int.max) ? Int.max : Int(count) - remaining))
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(count))])
        offset += Int(count)
        return slice
    }
}
