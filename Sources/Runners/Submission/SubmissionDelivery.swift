import Foundation
import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Copies a submission step's tree, tarball and SHA-256 out of the cache into a folder of the user's
/// (`<out>/submission`, `<out>/submission.tar.gz`, `<out>/submission.tar.gz.sha256`). The copy is writable, unlike
/// the cache's files, and an earlier copy in the same place is replaced.
public enum SubmissionDelivery {
    /// Returns the absolute path of the copied tree.
    @discardableResult
    public static func copyOut(tree: String, tarball: String, to out: String) throws -> String {
        let dest = FileSystemPath.absolute(out)
        let fm = FileManager.default
        try? fm.removeItem(atPath: dest + "/submission")
        try fm.createDirectory(atPath: dest, withIntermediateDirectories: true)
        try fm.copyItem(atPath: tree, toPath: dest + "/submission")
        for suffix in ["", ".sha256"] {
            try? fm.removeItem(atPath: dest + "/submission.tar.gz" + suffix)
            try fm.copyItem(atPath: tarball + suffix, toPath: dest + "/submission.tar.gz" + suffix)
        }
        if let e = fm.enumerator(atPath: dest + "/submission") {
            for case let p as String in e {
                let path = dest + "/submission/" + p
                chmod(path, FileSystemPath.kind(path) == .directory ? 0o755 : 0o644)
            }
        }
        return dest + "/submission"
    }
}
