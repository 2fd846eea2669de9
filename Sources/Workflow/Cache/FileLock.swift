import Basics
import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// An exclusive lock on a file, held until `unlock()` (or until the process dies: the kernel releases it, so a
/// `kill -9` never leaves a stale lock).
///
/// Uses `flock(2)`. On Linux NFS clients `flock` is carried out as a POSIX byte-range lock on the server
/// (NFSv4, or NFSv3 with lockd), so processes on different machines of a cluster exclude each other too; that is
/// the assumption for a shared cache (see the README).
public final class FileLock: Sendable {
    public let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock, polling so that cancellation is noticed; `waiting` is called once, with what the holder
    /// wrote into the lock file, if another process holds it.
    public static func acquire(
        _ path: String, cancellation: Cancellation? = nil,
        waiting: ((String) -> Void)? = nil
    ) throws(FileOps.Failure) -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileOps.fail("open lock", path) }
        var told = false
        var delay = 0.005
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let e = FileOps.fail("lock", path)
                close(fd)
                throw e
            }
            if cancellation?.isCancelled == true {
                close(fd)
                return nil
            }
            if !told, let waiting {
                told = true
                let holder = (try? FileSystemPath.readText(path)) ?? ""
                waiting(holder.trimmingCharacters(in: "\n "))
            }
            Clock.sleep(delay)
            delay = min(delay * 2, 0.2)
        }
        let note = "pid \(getpid()) on \(HostInfo.hostname)\n"
        ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
        return FileLock(path: path, fd: fd)
    }

    /// Takes the lock only if it is free now.
    public static func tryAcquire(_ path: String) -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
        return FileLock(path: path, fd: fd)
    }

    public func unlock() {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
