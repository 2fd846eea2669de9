/// What this build of repro was made from: the SHA-256 of each of its source files and the git commit of the
/// checkout. `scripts/build-info` writes them as `Generated` (run by Plugins/GeneratedSourcesPlugin before every
/// build), so they are always those of the sources this binary was compiled from — nothing to keep up to date by
/// hand.
///
/// Built-in actions name the source files and folders that implement them; the digests of those enter the keys
/// of every node using the action, so changing an action's code rebuilds exactly what it made (see `SourceTable`
/// in Workflow). The commit and the dirty flag go into every manifest and entry.
public enum BuildInfo {
    /// The full commit id of the checkout, or nil when the sources were not in a git checkout.
    public static let commit: String? = Generated.commit
    /// True when the checkout had uncommitted changes (tracked or untracked); nil outside git.
    public static let dirty: Bool? = Generated.dirty

    /// The SHA-256 (hex) of every file under `Sources/` except documentation (`*.md`), by path relative to the
    /// package (`Sources/Kernels/Ops/Conv2D.swift`).
    public static let sourceDigests: [String: String] = {
        var out: [String: String] = [:]
        for line in Generated.sources.utf8.split(separator: UInt8(ascii: "\n")) {
            // `sha256sum` lines: 64 hex digits, two spaces (or space and '*'), the path. Read as UTF-8 bytes:
            // counting Characters made this table a visible share of every repro start.
            guard line.count > 66 else { continue }
            out[String(decoding: line.dropFirst(66), as: UTF8.self)] = String(decoding: line.prefix(64), as: UTF8.self)
        }
        return out
    }()
}
