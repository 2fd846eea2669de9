/// A JSON string literal, with every escape JSON requires: the quote, the backslash, and each control character
/// below U+0020 (`\n`, `\r` and `\t` by name, the others as `\u00XX`). Everything else is written as it is, in
/// UTF-8.
///
/// One writer for every module that writes JSON by hand (canonical keys, manifests, LoadGen's detail log, MLPerf
/// training logs, system descriptions), so they cannot disagree on an escape. Keys are hashed over its output:
/// changing what it writes changes every key.
public enum JSONString {
    /// `"text"`, escaped.
    public static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `"text"`, escaped, to a UTF-8 buffer (the fast path of the JSON writers: runs without escapes are
    /// copied whole).
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var start = 0
            for (i, u) in utf8.enumerated() where u < 0x20 || u == 0x22 || u == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                switch u {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(u >> 4)], hex[Int(u & 15)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
