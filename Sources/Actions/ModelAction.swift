import Foundation
import Kernels
import Recipes
import Runners
import Workflow

/// `model` (see `ModelSpec`).
struct ModelAction: Implementation {
    let spec = ModelSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let name = try context.string("architecture")
        guard let architecture = Architecture(rawValue: name) else {
            throw ActionError.badParameter(name: "architecture", problem: "expected mlp or resnet8, found '\(name)'")
        }
        let shape = (context.with["input-shape"]?.listValue ?? [8, 8, 1]).compactMap(\.intValue)
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw ActionError.badParameter(name: "input-shape", problem: "expected [height, width, channels]")
        }
        let seed = UInt64(try context.int("seed", default: 1))
        let network = Network(architecture, inputShape: shape, seed: seed)
        let path = context.outDir + "/model.rpw"
        try ModelFile.save(network, seed: seed, to: path)
        let digest = try Digests.file(path).sha256
        let parameters = network.parameters.reduce(0) { $0 + $1.value.count }
        context.log.out(
            "\(name) for \(shape): \(parameters) parameters, \(network.forwardFLOPs) FLOP per sample, sha256 \(digest)")
        return [
            "weights": .string(path), "sha256": .string(digest), "architecture": .string(name),
            "parameters": .int(parameters), "flops": .int(network.forwardFLOPs),
            "input_shape": .list(shape.map { .int($0) }),
        ]
    }
}
