import Basics
import Foundation
import Recipes
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Podman's answers to "which image does this name point at", kept in `<cache>/containers/podman-names.json`, so a
/// step whose image is given by its name does not pay a `podman image inspect` on every run.
///
/// An answer is reused only while podman's image store is unchanged. containers/storage keeps the names of all
/// images in one file, `<graphroot>/<driver>-images/images.json`, rewrites it whenever a name is added, moved or
/// removed, and then writes a new last-writer token into `images.lock` beside it; reading the store changes
/// neither. The *stamp* of the store is that file's device, inode, size and times together with the lock file's
/// bytes: a re-tag changes it, so the name is asked again and a re-tagged name gets its new ID.
///
/// An answer is recorded only when the store's file held the name podman was asked about and the ID it answered,
/// with the same stamp before and after podman was asked. It is tied to the store podman uses, through a
/// *fingerprint*: the host, the podman executable, the user, and the variables and configuration files that choose the
/// store; where any of them differ, podman is asked again. Only a fully qualified name without a digest
/// (`localhost/x:1`, `quay.io/a/b`) is kept: podman resolves a short name (`debian:12`) through aliases and search
/// registries, whose files this does not follow. A remote podman (`CONTAINER_HOST`, `CONTAINER_CONNECTION`,
/// `podman-remote`) is always asked.
struct PodmanNameCache: Sendable {
    let file: String
    /// The environment podman is run with (repro's own: the runtime calls inherit it).
    let environment: [String: String]

    init(cacheRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        file = cacheRoot + "/containers/podman-names.json"
        self.environment = environment
    }

    /// The image ID (as podman prints it) of a name: the recorded one while the store is unchanged, else `ask()`'s.
    func id(of reference: String, podman: ContainerRuntime, ask: () throws(ContainerError) -> String)
        throws(ContainerError) -> String
    {
        guard let name = PodmanNameCache.storeName(reference), let fingerprint = fingerprint(podman) else {
            return try ask()
        }
        var stores = load()
        var store = stores[fingerprint] ?? Store(images: storeFile(podman) ?? "")
        if let kept = store.names[reference], PodmanNameCache.stamp(store.images) == kept.stamp { return kept.id }
        let before = PodmanNameCache.stamp(store.images)
        let id = try ask()
        // Kept only when the store's file shows what podman said, and nothing wrote it meanwhile.
        if let before, let bytes = try? FileSystemPath.readBytes(store.images),
            PodmanNameCache.stamp(store.images) == before, PodmanNameCache.holds(bytes, name: name, id: id)
        {
            store.names[reference] = Answer(stamp: before, id: id)
        }
        // Another fingerprint's block is dropped when there are many (old configuration files' stamps).
        if stores[fingerprint] == nil, stores.count >= 16 { stores = [:] }
        stores[fingerprint] = store
        save(stores)
        return id
    }

    /// The name as podman's store records it (`localhost/x` is `localhost/x:latest`), or nil for a name this
    /// does not keep: a short name, or one with a digest.
    static func storeName(_ reference: String) -> String? {
        guard !reference.isEmpty, !reference.contains("@"), !reference.contains(where: { $0.isWhitespace }),
            let slash = reference.firstIndex(of: "/")
        else { return nil }
        let domain = reference[..<slash]
        guard domain == "localhost" || domain.contains(".") || domain.contains(":") else { return nil }
        guard let last = reference[reference.index(after: slash)...].split(separator: "/").last else { return nil }
        return last.contains(":") ? reference : reference + ":latest"
    }

    /// Whether the store's `images.json` has an image with this ID and this name.
    static func holds(_ bytes: [UInt8], name: String, id: String) -> Bool {
        guard let images = (try? Value.parseJSON(bytes: bytes))?.listValue else { return false }
        let bare = ContainerImages.bareID(id)
        return images.contains { image in
            image.mapValue?["id"]?.stringValue == bare
                && (image.mapValue?["names"]?.listValue ?? []).contains { $0.stringValue == name }
        }
    }

    /// The store's state: `images.json`'s device, inode, size and times, and the bytes of `images.lock`.
    static func stamp(_ images: String) -> String? {
        let file = fileStamp(images)
        guard file != "-",
            let token = try? FileSystemPath.readBytes(FileSystemPath.parent(images) + "/images.lock"), !token.isEmpty
        else { return nil }
        return file + ":" + token.map { String(format: "%02x", $0) }.joined()
    }

    /// What chooses podman's store, or nil for a remote podman (whose store is not on this machine).
    func fingerprint(_ podman: ContainerRuntime) -> String? {
        guard podman.kind == .podman, environment["CONTAINER_HOST"] == nil,
            environment["CONTAINER_CONNECTION"] == nil,
            !FileSystemPath.lastComponent(podman.executable).contains("remote")
        else { return nil }
        let variables = [
            "CONTAINERS_STORAGE_CONF", "CONTAINERS_CONF", "STORAGE_DRIVER", "STORAGE_OPTS", "HOME", "XDG_CONFIG_HOME",
            "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
        ]
        let home = environment["HOME"] ?? ""
        let config = environment["XDG_CONFIG_HOME"] ?? home + "/.config"
        var files = [podman.executable]
        for conf in ["storage.conf", "containers.conf"] {
            files += ["/etc/containers/" + conf, "/usr/share/containers/" + conf, config + "/containers/" + conf]
            files += ["/etc/containers/" + conf + ".d", "/usr/share/containers/" + conf + ".d"]
        }
        files += [environment["CONTAINERS_STORAGE_CONF"], environment["CONTAINERS_CONF"]].compactMap { $0 }
        let lines =
            ["host=\(HostInfo.hostname)", "uid=\(geteuid())"] + variables.map { "\($0)=\(environment[$0] ?? "-")" }
            + files.map { "\($0)=\(PodmanNameCache.fileStamp($0))" }
        return lines.joined(separator: "\n")
    }

    /// A file's device, inode, size and modification and change times, or "-" where there is none.
    static func fileStamp(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "-" }
        return "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec):"
            + "\(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
    }

    /// Where the store keeps its images' names, as podman reports its store.
    func storeFile(_ podman: ContainerRuntime) -> String? {
        let r = Command.run(
            [podman.executable, "info", "--format", "{{.Store.GraphRoot}}\t{{.Store.GraphDriverName}}"], timeout: 60)
        let parts = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t")
        guard r.succeeded, parts.count == 2, parts[0].hasPrefix("/"), !parts[1].contains("/") else { return nil }
        return "\(parts[0])/\(parts[1])-images/images.json"
    }

    struct Answer: Sendable {
        var stamp: String
        var id: String
    }

    /// One store (by fingerprint): where its names are (empty when `podman info` did not say, so it is not asked
    /// again), and the answers kept for it.
    struct Store: Sendable {
        var images: String
        var names: [String: Answer] = [:]
    }

    func load() -> [String: Store] {
        guard let map = (try? FileSystemPath.readBytes(file)).flatMap({ try? Value.parseJSON(bytes: $0) })?.mapValue
        else { return [:] }
        var stores: [String: Store] = [:]
        for (fingerprint, block) in map {
            guard let images = block["images"]?.stringValue else { continue }
            var store = Store(images: images)
            for (reference, answer) in block["names"]?.mapValue ?? [:] {
                guard let stamp = answer["stamp"]?.stringValue, let id = answer["id"]?.stringValue else { continue }
                store.names[reference] = Answer(stamp: stamp, id: id)
            }
            stores[fingerprint] = store
        }
        return stores
    }

    /// Written whole and atomically; two runs writing at once may lose one answer, which is then asked again.
    func save(_ stores: [String: Store]) {
        let value = Value.map(
            stores.mapValues { store in
                .map([
                    "images": .string(store.images),
                    "names": .map(store.names.mapValues { .map(["stamp": .string($0.stamp), "id": .string($0.id)]) }),
                ])
            })
        try? FileOps.makeDirectories(FileSystemPath.parent(file))
        try? FileOps.writeAtomically(value.prettyJSON(), to: file)
    }
}
