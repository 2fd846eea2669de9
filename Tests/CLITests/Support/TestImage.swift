import Foundation
import Testing

/// The Debian image the container tests run in, built by the shipped `debian-image` recipe (mmdebstrap, podman
/// import) into a cache kept across test runs (`.build/test-images`), so only a fresh checkout pays for the build
/// (30 s to 2 min); every later run finds it by its key.
enum TestImage {
    struct Built: Sendable {
        /// The cache that holds the image's entry (and that tests may run `container-selftest` against).
        var cache: String
        var archive: String
        var digest: String
        var name: String
    }

    static let folder = CLI.packageRoot + "/.build/test-images"
    static let recipes = CLI.packageRoot + "/recipes"

    private static let result: Result<Built, Failure> = build()

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The image (built on first use, and in podman's store), or the reason it could not be had, recorded as a
    /// test issue. The store may have lost it since (another build took its name, and it was removed): repro
    /// loads archives where they are missing, but the tests' own podman calls name it by its ID.
    static func get() -> Built? {
        switch result {
        case .success(let b):
            let id = String(b.digest.dropFirst("sha256:".count))
            if (try? Podman.run(["image", "exists", id]).status) != 0 {
                let load = try? Podman.run(["load", "--quiet", "-i", b.archive])
                guard load?.status == 0 else {
                    Issue.record("cannot load the test image from \(b.archive): \(load?.err ?? "podman did not run")")
                    return nil
                }
            }
            return b
        case .failure(let f):
            Issue.record("the test image could not be built: \(f)")
            return nil
        }
    }

    private static func build() -> Result<Built, Failure> {
        let cli = CLI(root: folder)
        let env = ["REPRO_CACHE": folder + "/cache", "REPRO_RUNS": folder + "/runs"]
        guard let r = try? cli.run(["run", "debian-image", "--recipes", recipes], env: env, timeout: 900) else {
            return .failure(Failure(description: "repro did not start"))
        }
        guard r.status == 0, let manifest = try? cli.lastManifest(),
            let node = (manifest["nodes"] as? [[String: Any]])?.first(where: { $0["id"] as? String == "debian-image" }),
            let entry = node["entry"] as? String, let outputs = node["outputs"] as? [String: Any],
            let digest = outputs["digest"] as? String, let name = outputs["image"] as? String
        else {
            return .failure(Failure(description: "repro run debian-image exited \(r.status):\n\(r.stderr)"))
        }
        return .success(
            Built(
                cache: folder + "/cache", archive: folder + "/cache/entries/\(entry)/out/image.oci.tar",
                digest: digest, name: name))
    }
}

/// Runs podman (for the tests' own set-up: tags, a second image, a second store).
enum Podman {
    @discardableResult
    static func run(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let r = Spawn.run(["podman"] + args, env: env)
        return (r.status, r.output.trimmingCharacters(in: .whitespacesAndNewlines), r.output)
    }
}
