import Foundation

/// An ImageNet validation folder as MLPerf's reference reads it: `val_map.txt` with one `NAME LABEL` per line
/// (LABEL 0…999, the ILSVRC class index), the JPEG files beside it. Sample i of the query sample library is line i.
public struct ImageNetFolder: Sendable {
    public struct Entry: Sendable, Equatable {
        public var file: String
        public var label: Int
        /// The line of `val_map.txt` (1-based), for errors.
        public var line: Int
    }

    public let folder: String
    public let list: String
    public let entries: [Entry]

    /// Reads the list and checks every line: its shape, its label (0 ≤ label < `classes`) and that its file
    /// exists; the first problem is an error with the list's path and line.
    public init(folder: String, list: String = "val_map.txt", classes: Int = 1000) throws(ImagingError) {
        self.folder = folder
        let listPath = list.hasPrefix("/") ? list : folder + "/" + list
        self.list = listPath
        guard let data = FileManager.default.contents(atPath: listPath) else {
            throw .file(path: listPath, problem: "cannot read the image list (expected NAME LABEL per line)")
        }
        var entries: [Entry] = []
        for (i, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, let label = Int(fields[1]) else {
                throw .list(path: listPath, line: i + 1, problem: "expected 'NAME LABEL', found '\(line)'")
            }
            guard (0..<classes).contains(label) else {
                throw .list(
                    path: listPath, line: i + 1, problem: "label \(label) is out of range (0...\(classes - 1))")
            }
            let file = String(fields[0])
            guard !file.hasPrefix("/"), !file.split(separator: "/").contains(".."),
                FileManager.default.fileExists(atPath: folder + "/" + file)
            else {
                throw .list(path: listPath, line: i + 1, problem: "'\(file)' is not a file in the folder")
            }
            entries.append(Entry(file: file, label: label, line: i + 1))
        }
        guard !entries.isEmpty else { throw .file(path: listPath, problem: "lists no images") }
        self.entries = entries
    }

    /// The first `count` entries (all when nil); more than the list holds is an error.
    public func first(_ count: Int?) throws(ImagingError) -> ArraySlice<Entry> {
        guard let count else { return entries[...] }
        guard count >= 1, count <= entries.count else {
            throw .count(path: list, requested: count, available: entries.count)
        }
        return entries.prefix(count)
    }
}
