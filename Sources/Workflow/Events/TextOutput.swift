#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Writing to stdout and stderr from any thread without Foundation, and asking whether they are terminals.
public enum TextOutput {
    public static func stdout(_ text: String) { write(text, to: 1) }
    public static func stderr(_ text: String) { write(text, to: 2) }

    public static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    /// True when the descriptor is a terminal that can take ANSI escapes.
    public static func isTerminal(_ fd: Int32) -> Bool {
        guard isatty(fd) == 1 else { return false }
        guard let term = getenv("TERM") else { return false }
        return String(cString: term) != "dumb"
    }

    /// Terminal width, 80 when unknown.
    public static func columns(_ fd: Int32 = 2) -> Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 80
    }

    /// Human durations: `850ms`, `12.3s`, `4m05s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return "\((seconds * 10).rounded() / 10)s" }
        let s = Int(seconds.rounded())
        if s < 3600 { return "\(s / 60)m\(s % 60 < 10 ? "0" : "")\(s % 60)s" }
        return "\(s / 3600)h\((s % 3600) / 60 < 10 ? "0" : "")\((s % 3600) / 60)m"
    }

    /// Human sizes: `512 B`, `1.5 MiB`.
    public static func bytes(_ n: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = n
        var u = 0
        while v >= 1024 && u < units.count - 1 {
            v /= 1024
            u += 1
        }
        return u == 0 ? "\(Int(v)) B" : "\((v * 10).rounded() / 10) \(units[u])"
    }
}

extension TextOutput {
    /// A number for people: whole numbers whole, others at four significant digits (`0.9666`, `12.35`) or one
    /// decimal from 100 up (`958123.4`). The manifest and `--json` keep every digit.
    public static func number(_ v: Double) -> String {
        if !v.isFinite { return "\(v)" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        if abs(v) >= 100 { return "\((v * 10).rounded() / 10)" }
        return significant(v, digits: 4)
    }

    /// `v` with `digits` significant digits, trailing zeros dropped (`%.4g` without Foundation).
    static func significant(_ v: Double, digits: Int) -> String {
        guard v != 0 else { return "0" }
        let magnitude = Int((log10(abs(v))).rounded(.down))
        if magnitude < -4 {
            // Scientific for very small values: 1.235e-05.
            let mantissa = v / pow(10, Double(magnitude))
            return significant(mantissa, digits: digits) + "e" + (magnitude < 0 ? "-" : "+")
                + (abs(magnitude) < 10 ? "0" : "") + String(abs(magnitude))
        }
        let decimals = max(0, digits - 1 - magnitude)
        let scale = pow(10, Double(decimals))
        let rounded = (v * scale).rounded() / scale
        var text = "\(rounded)"
        if text.contains("e") { return "\(v)" }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
