import Basics
import Foundation
import Recipes
import Workflow

/// An image saved as a file: an OCI archive (`podman save --format oci-archive`, `index.json` inside) or a
/// Docker archive (`docker save`, `manifest.json` inside). Reads the image's ID from the archive itself, without
/// a runtime: the digest of its configuration, which is the ID any runtime gives the image once loaded.
///
/// Only the tar headers and the few small metadata files are read, so a 1 GB archive costs a few reads.
struct ImageArchive: Sendable {
    let path: String
    /// `sha256:…`.
    let digest: String
    /// The name the archive gives the image (`org.opencontainers.image.ref.name`, or a Docker `RepoTags` entry).
    let name: String?
    let format: Format

    enum Format: String, Sendable {
        case oci = "OCI"
        case docker = "Docker"
    }

    enum Problem: Error, CustomStringConvertible {
        case unreadable(String, String)
        case notAnImage(String, String)

        var description: String {
            switch self {
            case .unreadable(let path, let why): "cannot read the image archive '\(path)': \(why)"
            case .notAnImage(let path, let why): "'\(path)' is not an OCI or Docker image archive: \(why)"
            }
        }
    }

    /// `oci-archive:PATH`, `docker-archive:PATH` or an absolute path names an archive; anything else is a name.
    static func path(of reference: String) -> String? {
        for prefix in ["oci-archive:", "docker-archive:"] where reference.hasPrefix(prefix) {
            return String(reference.dropFirst(prefix.count))
        }
        return reference.hasPrefix("/") ? reference : nil
    }

    static func read(_ path: String) throws(Problem) -> ImageArchive {
        let files: TarIndex
        do { files = try TarIndex(path) } catch { throw .unreadable(path, "\(error)") }
        func json(_ name: String) throws(Problem) -> Value {
            guard let bytes = files.read(name) else { throw .notAnImage(path, "it has no '\(name)'") }
            do { return try Value.parseJSON(bytes: bytes) } catch { throw .notAnImage(path, "'\(name)': \(error)") }
        }
        func blob(_ digest: String) -> String { "blobs/" + digest.replacingOccurrences(of: ":", with: "/") }

        if files.contains("index.json") {
            var manifests = try json("index.json")["manifests"]?.listValue ?? []
            // A nested image index (several platforms) is followed once.
            if manifests.count == 1, manifests[0]["mediaType"]?.stringValue?.hasSuffix("image.index.v1+json") == true,
                let inner = manifests[0]["digest"]?.stringValue
            {
                manifests = try json(blob(inner))["manifests"]?.listValue ?? []
            }
            guard manifests.count == 1, let manifestDigest = manifests[0]["digest"]?.stringValue else {
                throw .notAnImage(path, "its index.json lists \(manifests.count) images; repro runs archives of one")
            }
            guard let config = try json(blob(manifestDigest))["config"]?["digest"]?.stringValue,
                config.hasPrefix("sha256:")
            else { throw .notAnImage(path, "its manifest names no sha256 configuration") }
            let name = manifests[0]["annotations"]?["org.opencontainers.image.ref.name"]?.stringValue
            return ImageArchive(path: path, digest: config, name: name, format: .oci)
        }
        if files.contains("manifest.json") {
            let entries = try json("manifest.json").listValue ?? []
            guard entries.count == 1, let configPath = entries[0]["Config"]?.stringValue,
                let config = files.read(configPath)
            else { throw .notAnImage(path, "its manifest.json must describe one image with its 'Config'") }
            let name = entries[0]["RepoTags"]?.listValue?.first?.stringValue
            return ImageArchive(path: path, digest: "sha256:" + Digests.bytes(config), name: name, format: .docker)
        }
        throw .notAnImage(path, "it has neither index.json nor manifest.json")
    }
}

/// Where each member of an uncompressed tar file starts and how long it is (ustar, GNU long names, PAX paths).
struct TarIndex {
    private var members: [String: (offset: UInt64, size: Int)] = [:]
    private let handle: FileHandle

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    init(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Malformed(description: "cannot open it")
        }
        self.handle = handle
        var offset: UInt64 = 0
        var longName: String?
        while true {
            try handle.seek(toOffset: offset)
            guard let header = try handle.read(upToCount: 512), header.count == 512 else { break }
            let bytes = [UInt8](header)
            if bytes.allSatisfy({ $0 == 0 }) { break }
            guard let size = TarIndex.number(bytes[124..<136]) else {
                throw Malformed(description: "a tar header at byte \(offset) has no size")
            }
            let type = bytes[156]
            let dataOffset = offset + 512
            offset = dataOffset + UInt64((size + 511) / 512 * 512)
            switch type {
            case UInt8(ascii: "L"):  // GNU: the next member's long name
                try handle.seek(toOffset: dataOffset)
                longName = TarIndex.text(try handle.read(upToCount: size).map { [UInt8]($0) } ?? [])
                continue
            case UInt8(ascii: "x"):  // PAX: "N path=NAME\n" records for the next member
                try handle.seek(toOffset: dataOffset)
                let records = TarIndex.text(try handle.read(upToCount: size).map { [UInt8]($0) } ?? [])
                for line in records.split(separator: "\n") {
                    if let r = line.range(of: " path=") { longName = String(line[r.upperBound...]) }
                }
                continue
            default:
                break
            }
            var name = longName ?? TarIndex.text(Array(bytes[0..<100]))
            longName = nil
            if bytes[257..<262].elementsEqual("ustar".utf8), !TarIndex.text(Array(bytes[345..<500])).isEmpty,
                name == TarIndex.text(Array(bytes[0..<100]))
            {
                name = TarIndex.text(Array(bytes[345..<500])) + "/" + name
            }
            if name.hasPrefix("./") { name.removeFirst(2) }
            if type == 0 || type == UInt8(ascii: "0") { members[name] = (dataOffset, size) }
        }
    }

    func contains(_ name: String) -> Bool { members[name] != nil }

    /// A member's bytes (small metadata files only: at most 16 MiB).
    func read(_ name: String) -> [UInt8]? {
        guard let m = members[name], m.size <= 16 << 20 else { return nil }
        guard (try? handle.seek(toOffset: m.offset)) != nil, let data = try? handle.read(upToCount: m.size) else {
            return nil
        }
        return [UInt8](data)
    }

    /// A NUL-terminated field.
    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// An octal size field, or GNU's base-256 form for large members.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        if let first = field.first, first & 0x80 != 0 {
            return field.dropFirst().reduce(Int(first & 0x7F)) { $0 << 8 | Int($1) }
        }
        let digits = String(decoding: field.prefix { $0 != 0 && $0 != 32 }, as: UTF8.self)
            .trimmingCharacters(in: " ")
        return digits.isEmpty ? 0 : Int(digits, radix: 8)
    }
}
