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
            // Most strings (keys, digests, paths) need no escape: copy them whole.
            if !needsEscape(utf8) {
                bytes.append(contentsOf: utf8)
                bytes.append(UInt8(ascii: "\""))
                return
            }
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

    /// Whether any byte is a control character, `"` or `\`: eight bytes at a time (SWAR), the rest one by one.
    static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // A byte of x is zero ⇔ the matching high bit of (x − ones) & ~x & highs is set (exact, no false hits
        // once the lowest such byte is found; any hit is all that is asked here).
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        func hasByteBelow0x20(_ x: UInt64) -> Bool { (x &- ones &* 0x20) & ~x & highs != 0 }
        var i = 0
        if let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= utf8.count {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if hasByteBelow0x20(w) || hasZeroByte(w ^ (ones &* 0x22)) || hasZeroByte(w ^ (ones &* 0x5C)) {
                    return true
                }
                i += 8
            }
        }
        while i < utf8.count {
            let u = utf8[i]
            if u < 0x20 || u == 0x22 || u == 0x5C { return true }
            i += 1
        }
        return false
    }
}
