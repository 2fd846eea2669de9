import Foundation
import Imaging
import Kernels
import Recipes
import Runners
import Workflow

/// `imagenet-preprocess` (see `ImageNetPreprocessSpec`): every listed JPEG decoded, resized, cropped (MLPerf's
/// `pre_process_vgg` without the float conversion) and appended to `images.rpt`, a uint8 tensor [N, 224, 224, 3]
/// written as it goes (50,000 images are 7.5 GB); `labels.rpt` (int32 [N]) and `files.txt` beside it. The list is
/// checked whole before the first image is decoded; a JPEG that does not decode fails the step, which leaves no
/// cache entry.
struct ImageNetPreprocessAction: Implementation {
    let spec = ImageNetPreprocessSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let folder = try context.string("folder")
        let set = try ImageNetFolder(folder: folder, list: try context.optionalString("list") ?? "val_map.txt")
        let count = try context.int("count", default: 0)
        let entries = try set.first(count > 0 ? count : nil)
        let size = MLPerfPreprocess.size
        let out = context.outDir
        let path = out + "/images.rpt"
        let header = TensorFile.header(type: .uint8, shape: [entries.count, size, size, 3])
        guard FileManager.default.createFile(atPath: path, contents: Data(header)),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw ActionError.failed("cannot write \(path)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        let decoder = try JPEGDecoder()
        for (i, entry) in entries.enumerated() {
            if context.cancellation.isCancelled { throw ActionError.failed("cancelled") }
            let file = folder + "/" + entry.file
            guard let bytes = FileManager.default.contents(atPath: file) else {
                throw ImagingError.file(path: file, problem: "cannot read")
            }
            let crop = MLPerfPreprocess.crop(try decoder.decode([UInt8](bytes), path: file))
            try handle.write(contentsOf: crop.pixels)
            if i % 64 == 0 || i == entries.count - 1 {
                context.progress(StepProgress(done: Double(i + 1), total: Double(entries.count), unit: "images"))
            }
        }
        try TensorFile.write(entries.map { Int32($0.label) }, shape: [entries.count], to: out + "/labels.rpt")
        try FileOps.write(entries.map(\.file).joined(separator: "\n") + "\n", to: out + "/files.txt")
        context.log.out("\(entries.count) images of \(set.list) as \(size)x\(size) RGB crops (pre_process_vgg)")
        return [
            "data": .string(out), "images": .string(path), "labels": .string(out + "/labels.rpt"),
            "count": .int(entries.count), "list": .string(set.list),
        ]
    }
}
