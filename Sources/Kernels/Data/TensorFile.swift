import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The binary tensor format the preprocessing step writes and the training and inference steps memory-map.
///
/// Layout, little-endian: the 8 bytes `REPROTNS`; u32 version (1); u32 element type (1 = float32, 2 = int32,
/// 3 = uint8); u32 rank (1…8); u32 header length in bytes (a multiple of 64); u64 × rank dimensions; zero padding
/// up to the header length; then the elements, row-major. A file whose length is not exactly header + elements ×
/// element size is refused as truncated (or as having trailing bytes).
public enum TensorFile {
    public enum ElementType: UInt32, Sendable {
        case float32 = 1
        case int32 = 2
        /// Compact images (ImageNet crops: 150,528 bytes each instead of 602,112 as floats).
        case uint8 = 3

        public var size: Int { self == .uint8 ? 1 : 4 }
    }
    static let magic = Array("REPROTNS".utf8)

    public static func write(_ data: UnsafeRawPointer, type: ElementType, shape: [Int], to path: String)
        throws(KernelsError)
    {
        var bytes = Data(header(type: type, shape: shape))
        bytes.append(Data(bytes: data, count: shape.reduce(1, *) * type.size))
        do { try bytes.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .file(path: path, problem: "cannot write: \(error.localizedDescription)")
        }
    }

    /// The header of a tensor file of `type` and `shape` (the elements follow it), for writers that stream.
    public static func header(type: ElementType, shape: [Int]) -> [UInt8] {
        let headerLength = (24 + 8 * shape.count + 63) / 64 * 64
        var header = [UInt8](repeating: 0, count: headerLength)
        header.replaceSubrange(0..<8, with: magic)
        func put32(_ v: UInt32, at o: Int) {
            withUnsafeBytes(of: v.littleEndian) { header.replaceSubrange(o..<o + 4, with: $0) }
        }
        put32(1, at: 8)
        put32(type.rawValue, at: 12)
        put32(UInt32(shape.count), at: 16)
        put32(UInt32(headerLength), at: 20)
        for (i, d) in shape.enumerated() {
            withUnsafeBytes(of: UInt64(d).littleEndian) { header.replaceSubrange(24 + 8 * i..<32 + 8 * i, with: $0) }
        }
        return header
    }

    public static func write(_ values: [Float], shape: [Int], to path: String) throws(KernelsError) {
        let result: Result<Void, KernelsError> = values.withUnsafeBytes { p in
            do throws(KernelsError) {
                try write(p.baseAddress!, type: .float32, shape: shape, to: path)
                return .success(())
            } catch { return .failure(error) }
        }
        try result.get()
    }

    public static func write(_ values: [Int32], shape: [Int], to path: String) throws(KernelsError) {
        let result: Result<Void, KernelsError> = values.withUnsafeBytes { p in
            do throws(KernelsError) {
                try write(p.baseAddress!, type: .int32, shape: shape, to: path)
                return .success(())
            } catch { return .failure(error) }
        }
        try result.get()
    }
}

/// A tensor file mapped into memory (read-only); unmapped when released.
public final class MappedTensor: @unchecked Sendable {
    public let path: String
    public let type: TensorFile.ElementType
    public let shape: [Int]
    let base: UnsafeMutableRawPointer
    let length: Int
    let headerLength: Int

    public init(path: String) throws(KernelsError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .file(path: path, problem: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        length = Int(st.st_size)
        guard length >= 24 else {
            throw .file(path: path, problem: "truncated: \(length) bytes is shorter than the header")
        }
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw .file(path: path, problem: "cannot map: \(String(cString: strerror(errno)))")
        }
        base = p
        let bytes = UnsafeRawBufferPointer(start: p, count: length)
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        do throws(KernelsError) {
            guard Array(bytes[0..<8]) == TensorFile.magic else {
                throw KernelsError.file(path: path, problem: "not a repro tensor file (bad magic)")
            }
            guard u32(8) == 1 else {
                throw KernelsError.file(
                    path: path, problem: "tensor format version \(u32(8)) is not supported (this repro reads 1)")
            }
            guard let t = TensorFile.ElementType(rawValue: u32(12)) else {
                throw KernelsError.file(path: path, problem: "unknown element type \(u32(12))")
            }
            let rank = Int(u32(16))
            headerLength = Int(u32(20))
            guard (1...8).contains(rank), headerLength >= 24 + 8 * rank, headerLength % 64 == 0, headerLength <= length
            else {
                throw KernelsError.file(
                    path: path, problem: "corrupt header (rank \(rank), header length \(headerLength))")
            }
            var dims: [Int] = []
            for i in 0..<rank {
                let d = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24 + 8 * i, as: UInt64.self))
                guard d < 1 << 40 else {
                    throw KernelsError.file(path: path, problem: "corrupt header (dimension \(d))")
                }
                dims.append(Int(d))
            }
            let expected = headerLength + dims.reduce(1, *) * t.size
            guard length == expected else {
                throw KernelsError.file(
                    path: path,
                    problem: length < expected
                        ? "truncated: \(length) bytes, the header announces \(expected)"
                        : "\(length - expected) bytes after the data the header announces")
            }
            type = t
            shape = dims
        } catch {
            munmap(p, length)
            throw error
        }
    }

    deinit { munmap(base, length) }

    public var count: Int { shape.reduce(1, *) }

    public var bytes: UnsafePointer<UInt8> {
        UnsafePointer((base + headerLength).assumingMemoryBound(to: UInt8.self))
    }

    public var floats: UnsafePointer<Float> {
        UnsafePointer((base + headerLength).assumingMemoryBound(to: Float.self))
    }

    public var ints: UnsafePointer<Int32> {
        UnsafePointer((base + headerLength).assumingMemoryBound(to: Int32.self))
    }

    /// Requires a type and a rank, or says which file is not what was expected.
    public func expect(_ type: TensorFile.ElementType, rank: Int) throws(KernelsError) {
        guard self.type == type, shape.count == rank else {
            throw .file(
                path: path, problem: "expected a rank-\(rank) \(type) tensor, found rank \(shape.count) \(self.type)")
        }
    }
}
