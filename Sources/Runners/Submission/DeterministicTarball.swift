import Basics
import Recipes
import Workflow

/// A gzip'd tar of a folder whose bytes depend only on the files' names and contents: entries sorted by name,
/// every time set to the epoch, owner and group 0 with no names, modes normalised (0644 files, 0755 folders and
/// executables), and `gzip -n` (no name or time in the gzip header). The same tree gives the same SHA-256 on any
/// machine, whoever made it and whenever. Made by GNU tar and gzip; a failure of either is reported with its
/// command, exit status and last lines.
public enum DeterministicTarball {
    /// Writes `path` (a `.tar.gz`) holding `root`, its members named relative to the root's parent folder.
    public static func write(_ root: String, to path: String) throws(ActionError) {
        let root = FileSystemPath.absolute(root)
        let path = FileSystemPath.absolute(path)
        let tar = path + ".tar-tmp"
        let tarArgs = [
            "tar", "--create", "--file", tar, "--format=gnu", "--sort=name", "--mtime=@0", "--owner=0", "--group=0",
            "--numeric-owner", "--mode=u+rw,go+r,go-w,a+X", "--directory", FileSystemPath.parent(root),
            FileSystemPath.lastComponent(root),
        ]
        let packed = Command.run(tarArgs, timeout: 3600)
        guard packed.succeeded else {
            FileOps.removeTree(tar)
            throw .failed("tar could not pack \(root):\n\(ProgramReport(packed))")
        }
        let zipped = Command.run(["sh", "-c", "gzip -n -9 -c \"$0\" > \"$1\"", tar, path], timeout: 3600)
        FileOps.removeTree(tar)
        guard zipped.succeeded else {
            FileOps.removeTree(path)
            throw .failed("gzip could not compress the tarball of \(root):\n\(ProgramReport(zipped))")
        }
    }
}
