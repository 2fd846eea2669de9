import Fetch
import Foundation
import Workflow

// Measures repro's own code paths for the benchmark scripts, printing seconds as JSON:
//   repro-bench download URL DEST [SHA256]   the fetch downloader (digest computed while streaming)
//   repro-bench sha256 FILE                   the cache's file hashing (Digests.file)
let args = CommandLine.arguments
func now() -> Double { Date().timeIntervalSince1970 }

guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: repro-bench download URL DEST [SHA256] | sha256 FILE\n".utf8))
    exit(2)
}
switch args[1] {
case "download":
    let dest = args[3]
    try? FileManager.default.removeItem(atPath: dest)
    var request = DownloadRequest(urls: [args[2]], destination: dest, partialPath: dest + ".part",
                                  sha256: args.count > 4 ? args[4] : nil)
    request.retries = 0
    let t0 = now()
    do {
        let r = try Downloader().download(request)
        print("{\"seconds\": \(now() - t0), \"bytes\": \(r.size), \"sha256\": \"\(r.sha256)\"}")
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
case "sha256":
    let t0 = now()
    do {
        let r = try Digests.file(args[2])
        print("{\"seconds\": \(now() - t0), \"bytes\": \(r.size), \"sha256\": \"\(r.sha256)\"}")
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
default:
    exit(2)
}
