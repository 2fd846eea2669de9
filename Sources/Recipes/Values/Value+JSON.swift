import Basics

/// JSON for values: a canonical writer (sorted keys, no spaces) that keys are hashed over, an indented writer
/// for files people read, and a parser.
///
/// Hand-written because keys need byte-for-byte stable output and because reading thousands of `meta.json`
/// files is on the path of a fully cached run.
extension Value {
    /// Compact JSON with sorted keys: equal values give equal bytes.
    public var canonicalJSON: String { String(decoding: canonicalJSONBytes, as: UTF8.self) }

    /// `canonicalJSON` as UTF-8 bytes (what keys are hashed over).
    public var canonicalJSONBytes: [UInt8] {
        var out = JSONBytes()
        out.bytes.reserveCapacity(256)
        write(to: &out, indent: nil, level: 0)
        return out.bytes
    }

    /// Indented JSON with sorted keys, for files that people read.
    public func prettyJSON(indent: Int = 2) -> String {
        var out = JSONBytes()
        out.bytes.reserveCapacity(4096)
        write(to: &out, indent: indent, level: 0)
        out.bytes.append(10)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    func write(to out: inout JSONBytes, indent: Int?, level: Int) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(String(i))
        case .double(let d):
            // JSON has no NaN or infinity: write them as strings rather than emit invalid JSON.
            if d.isFinite { out.append(Value.format(d)) } else { out.appendString(Value.format(d)) }
        case .string(let s): out.appendString(s)
        case .list(let items):
            if items.isEmpty {
                out.append("[]")
                return
            }
            out.bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.newline(indent, level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            out.newline(indent, level)
            out.bytes.append(UInt8(ascii: "]"))
        case .map(let map):
            if map.isEmpty {
                out.append("{}")
                return
            }
            out.bytes.append(UInt8(ascii: "{"))
            // Sorted pairs, not sorted keys looked up again: a manifest has tens of thousands of keys.
            for (i, pair) in map.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.newline(indent, level + 1)
                out.appendString(pair.key)
                out.append(indent == nil ? ":" : ": ")
                pair.value.write(to: &out, indent: indent, level: level + 1)
            }
            out.newline(indent, level)
            out.bytes.append(UInt8(ascii: "}"))
        }
    }
}

/// A growing UTF-8 buffer for the JSON writer (appending bytes is much cheaper than appending to a String).
struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func newline(_ indent: Int?, _ level: Int) {
        guard let indent else { return }
        bytes.append(10)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    /// A JSON string literal with the escapes JSON requires.
    mutating func appendString(_ s: String) { JSONString.append(s, to: &bytes) }
}

/// A JSON text that could not be read, with where it went wrong.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension Value {
    /// Parses a JSON text. Integers that fit in `Int` stay ints; other numbers become doubles.
    public static func parseJSON(_ text: String) throws(JSONParseError) -> Value {
        try parseJSON(bytes: Array(text.utf8))
    }

    /// Parses JSON bytes.
    public static func parseJSON(bytes: [UInt8]) throws(JSONParseError) -> Value {
        let result: Result<Value, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            do throws(JSONParseError) { return .success(try reader.parseDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
