internal import CKernels

/// A step of a network with its backward pass.
///
/// `forward` in training mode keeps what `backward` needs; `backward` takes dL/dy, writes the gradients of the
/// layer's parameters (overwriting them) and returns dL/dx. Output and gradient tensors are kept and reused
/// between calls of the same batch size, so a training step allocates nothing after the first.
public protocol Layer: AnyObject {
    func forward(_ x: Tensor, training: Bool) -> Tensor
    func backward(_ dy: Tensor) -> Tensor
    var parameters: [Parameter] { get }
}

/// Layers one after another.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = x
        for layer in layers { y = layer.forward(y, training: training) }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        for layer in layers.reversed() { g = layer.backward(g) }
        return g
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
}

/// `max(0, x)`.
public final class ReLU: Layer {
    var output: Tensor?
    var gradInput: Tensor?

    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let y = Tensor.reuse(output, x.shape)
        output = y
        let n = x.count
        ck_relu(x.data, y.data, n)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let y = output!
        let dx = Tensor.reuse(gradInput, dy.shape)
        gradInput = dx
        let n = dy.count
        ck_relu_backward(y.data, dy.data, dx.data, n)
        return dx
    }

    public var parameters: [Parameter] { [] }
}
