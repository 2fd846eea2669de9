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
/// *fingerprint*: the podman executable, the user, and the variables and configuration files that choose the
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
        var known = load()
        if let entry = known.names[reference], entry.fingerprint == fingerprint,
            let stamp = PodmanNameCache.stamp(entry.images), stamp == entry.stamp
        {
            return entry.id
        }
        let images = known.stores[fingerprint] ?? storeFile(podman)
        guard let images, let before = PodmanNameCache.stamp(images) else { return try ask() }
        let id = try ask()
        known.stores[fingerprint] = images
        // Kept only when the store's file shows what podman said, and nothing wrote it meanwhile.
        if let bytes = try? FileSystemPath.readBytes(images), PodmanNameCache.stamp(images) == before,
            PodmanNameCache.holds(bytes, name: name, id: id)
        {
            known.names[reference] = Entry(fingerprint: fingerprint, images: images, stamp: before, id: id)
        }
        save(known)
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
            ["uid=\(geteuid())"] + variables.map { "\($0)=\(environment[$0] ?? "-")" }
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

    struct Entry: Sendable {
        var fingerprint: String
        var images: String
        var stamp: String
        var id: String
    }

    struct Contents: Sendable {
        /// The store file by fingerprint (so `podman info` runs once per store).
        var stores: [String: String] = [:]
        var names: [String: Entry] = [:]
    }

    func load() -> Contents {
        guard let map = (try? FileSystemPath.readBytes(file)).flatMap({ try? Value.parseJSON(bytes: $0) })?.mapValue
        else { return Contents() }
        var contents = Contents()
        for (fingerprint, images) in map["stores"]?.mapValue ?? [:] {
            if let images = images.stringValue { contents.stores[fingerprint] = images }
        }
        for (reference, entry) in map["names"]?.mapValue ?? [:] {
            guard let e = entry.mapValue, let fingerprint = e["fingerprint"]?.stringValue,
                let images = e["images"]?.stringValue, let stamp = e["stamp"]?.stringValue,
                let id = e["id"]?.stringValue
            else { continue }
            contents.names[reference] = Entry(fingerprint: fingerprint, images: images, stamp: stamp, id: id)
        }
        return contents
    }

    /// Written whole and atomically; two runs writing at once may lose one answer, which is then asked again.
    func save(_ contents: Contents) {
        let names = contents.names.mapValues { e -> Value in
            .map([
                "fingerprint": .string(e.fingerprint), "images": .string(e.images),
                "stamp": .string(e.stamp), "id": .string(e.id),
            ])
        }
        let value = Value.map(["stores": .map(contents.stores.mapValues { .string($0) }), "names": .map(names)])
        try? FileOps.makeDirectories(FileSystemPath.parent(file))
        try? FileOps.writeAtomically(value.prettyJSON(), to: file)
    }
}
