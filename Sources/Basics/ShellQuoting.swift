/// POSIX shell quoting, for values spliced into `shell:` text.
public enum ShellQuoting {
    /// `'text'`, with embedded single quotes closed, escaped and reopened.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }),
            text.allSatisfy(\.isASCII)
        {
            return text
        }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
