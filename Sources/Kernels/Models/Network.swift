import Foundation

/// The models repro builds in: an MLP and ResNet-8.
public enum Architecture: String, Sendable, CaseIterable {
    /// Flattened input → 256 → 256 → 10 with ReLU (64-256-256-10 on 8×8 digits).
    case mlp
    /// ResNet-8 as in MLPerf Tiny image classification: a 3×3 stem of 16 channels, three basic blocks of 16, 32
    /// and 64 channels with strides 1, 2, 2 (1×1 projections where the shape changes), global average pooling,
    /// a 10-way linear layer.
    case resnet8
}

/// A network: its layers, its parameters and its other state (batch-norm running statistics), initialised
/// deterministically from a seed.
public final class Network {
    public let architecture: Architecture
    /// One input sample as [height, width, channels].
    public let inputShape: [Int]
    public let classes: Int
    let body: Sequential
    let blocks: [ResidualBlock]
    let stemBN: BatchNorm?

    public init(_ architecture: Architecture, inputShape: [Int], classes: Int = 10, seed: UInt64) {
        self.architecture = architecture
        self.inputShape = inputShape
        self.classes = classes
        switch architecture {
        case .mlp:
            let inputs = inputShape.reduce(1, *)
            body = Sequential([
                Linear(inputs, 256, name: "fc1"), ReLU(), Linear(256, 256, name: "fc2"), ReLU(),
                Linear(256, classes, name: "fc3"),
            ])
            blocks = []
            stemBN = nil
        case .resnet8:
            let stem = Conv2D(inputShape[2], 16, kernel: 3, stride: 1, padding: 1, name: "stem.conv")
            let bn = BatchNorm(16, name: "stem.bn")
            let b1 = ResidualBlock(16, 16, stride: 1, name: "block1")
            let b2 = ResidualBlock(16, 32, stride: 2, name: "block2")
            let b3 = ResidualBlock(32, 64, stride: 2, name: "block3")
            body = Sequential([stem, bn, ReLU(), b1, b2, b3, GlobalAveragePool(), Linear(64, classes, name: "fc")])
            blocks = [b1, b2, b3]
            stemBN = bn
        }
        initialise(seed: seed)
    }

    public var parameters: [Parameter] { body.parameters }

    /// Every tensor that defines the model, by name: parameters, then batch-norm running statistics.
    public var namedTensors: [(String, Tensor)] {
        var out = parameters.map { ($0.name, $0.value) }
        for bn in batchNorms {
            let name = bn.gamma.name.replacingOccurrences(of: ".gamma", with: "")
            out.append((name + ".running_mean", bn.runningMean))
            out.append((name + ".running_var", bn.runningVar))
        }
        return out
    }

    var batchNorms: [BatchNorm] { (stemBN.map { [$0] } ?? []) + blocks.flatMap { [$0.bn1, $0.bn2] } }

    /// He-normal weights (std √(2 / fan-in)), zero biases, unit batch-norm scales, from one seeded generator in
    /// parameter order: the same seed gives the same model everywhere.
    func initialise(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for p in parameters {
            if p.decays {
                let fanIn = p.value.shape[0]
                let std = (2 / Double(fanIn)).squareRoot()
                for i in 0..<p.value.count { p.value[i] = Float(rng.normal() * std) }
            } else if !p.name.hasSuffix(".gamma") {
                p.value.fill(0)
            }
        }
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor { body.forward(x, training: training) }

    @discardableResult
    public func backward(_ dLogits: Tensor) -> Tensor { body.backward(dLogits) }

    /// Floating-point operations of one forward pass of one sample (multiply-adds count 2).
    public var forwardFLOPs: Int {
        var flops = 0
        var h = inputShape[0]
        var w = inputShape[1]
        func visit(_ layer: any Layer) {
            switch layer {
            case let c as Conv2D:
                let (oh, ow) = c.geometry.outputSize(h, w)
                flops += 2 * oh * ow * c.geometry.patch * c.geometry.outChannels
                h = oh
                w = ow
            case let l as Linear: flops += 2 * l.inputs * l.outputs
            case let b as ResidualBlock:
                let (ih, iw) = (h, w)
                visit(b.conv1)
                visit(b.conv2)
                if let p = b.projection {
                    let (oh, ow) = (h, w)
                    (h, w) = (ih, iw)
                    visit(p)
                    (h, w) = (oh, ow)
                }
            default: break
            }
        }
        for layer in body.layers { visit(layer) }
        return flops
    }
}
