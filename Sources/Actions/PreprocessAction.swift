import Foundation
import Kernels
import Recipes
import Runners
import Workflow

/// `preprocess` (see `PreprocessSpec`).
struct PreprocessAction: Implementation {
    let spec = PreprocessSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        var options = PreprocessOptions()
        options.seed = UInt64(try context.int("seed", default: 1))
        options.validationFraction = try context.double("validation-fraction", default: 0.2)
        options.size = try context.int("size", default: 8)
        options.channels = try context.int("channels", default: 1)
        let r = try Preprocess.run(csv: try context.string("csv"), outputDirectory: context.outDir, options: options)
        context.log.out(
            "\(r.trainCount) training and \(r.validationCount) validation samples, "
                + "\(options.size)x\(options.size)x\(options.channels), mean \(r.mean), std \(r.std)")
        return [
            "data": .string(context.outDir), "train_images": .string(r.trainImages),
            "train_labels": .string(r.trainLabels),
            "val_images": .string(r.validationImages), "val_labels": .string(r.validationLabels),
            "summary": .string(r.summary), "train_count": .int(r.trainCount), "val_count": .int(r.validationCount),
            "input_shape": .list([.int(options.size), .int(options.size), .int(options.channels)]),
        ]
    }
}
