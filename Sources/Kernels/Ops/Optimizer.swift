/// Updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    func step(_ parameters: [Parameter])
}

/// SGD with momentum and weight decay, as PyTorch's `SGD`: `g = ∇ + wd·w; v = μ·v + g; w -= lr·v`.
/// Weight decay applies to weights, not to biases and batch-norm parameters.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    var velocity: [ObjectIdentifier: Tensor] = [:]

    public init(learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter]) {
        for p in parameters {
            let v =
                velocity[ObjectIdentifier(p)]
                ?? {
                    let t = Tensor(p.value.shape)
                    velocity[ObjectIdentifier(p)] = t
                    return t
                }()
            let w = p.value.data
            let g = p.grad.data
            let vel = v.data
            let wd = p.decays ? weightDecay : 0
            let (mu, lr) = (momentum, learningRate)
            for i in 0..<p.value.count {
                let grad = g[i] + wd * w[i]
                vel[i] = mu * vel[i] + grad
                w[i] -= lr * vel[i]
            }
        }
    }
}

/// Adam (Kingma & Ba), with L2 weight decay added to the gradient as PyTorch's `Adam` does.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    var moments: [ObjectIdentifier: (Tensor, Tensor)] = [:]
    var t = 0

    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter]) {
        t += 1
        let c1 = 1 - powf(beta1, Float(t))
        let c2 = 1 - powf(beta2, Float(t))
        for p in parameters {
            let (m, v) =
                moments[ObjectIdentifier(p)]
                ?? {
                    let pair = (Tensor(p.value.shape), Tensor(p.value.shape))
                    moments[ObjectIdentifier(p)] = pair
                    return pair
                }()
            let w = p.value.data
            let g = p.grad.data
            let md = m.data
            let vd = v.data
            let wd = p.decays ? weightDecay : 0
            for i in 0..<p.value.count {
                let grad = g[i] + wd * w[i]
                md[i] = beta1 * md[i] + (1 - beta1) * grad
                vd[i] = beta2 * vd[i] + (1 - beta2) * grad * grad
                w[i] -= learningRate * (md[i] / c1) / ((vd[i] / c2).squareRoot() + epsilon)
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
