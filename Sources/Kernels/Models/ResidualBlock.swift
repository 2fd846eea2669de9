internal import CKernels

/// ResNet's basic block: conv3×3 → BN → ReLU → conv3×3 → BN, plus the shortcut (the input itself, or a 1×1
/// convolution with a bias where the shape changes, as in the MLPerf Tiny ResNet), then ReLU.
public final class ResidualBlock: Layer {
    let conv1: Conv2D
    let bn1: BatchNorm
    let relu1 = ReLU()
    let conv2: Conv2D
    let bn2: BatchNorm
    let projection: Conv2D?
    var output: Tensor?
    var gradInput: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, name: String) {
        conv1 = Conv2D(inChannels, outChannels, kernel: 3, stride: stride, padding: 1, name: name + ".conv1")
        bn1 = BatchNorm(outChannels, name: name + ".bn1")
        conv2 = Conv2D(outChannels, outChannels, kernel: 3, stride: 1, padding: 1, name: name + ".conv2")
        bn2 = BatchNorm(outChannels, name: name + ".bn2")
        projection =
            stride != 1 || inChannels != outChannels
            ? Conv2D(
                inChannels, outChannels, kernel: 1, stride: stride, padding: 0, bias: true, name: name + ".shortcut")
            : nil
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let main = bn2.forward(
            conv2.forward(
                relu1.forward(
                    bn1.forward(
                        conv1.forward(x, training: training),
                        training: training), training: training),
                training: training), training: training)
        let shortcut = projection?.forward(x, training: training) ?? x
        let y = Tensor.reuse(output, main.shape)
        output = y
        ck_add_relu(main.data, shortcut.data, y.data, y.count)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        // Through the final ReLU: the sum's gradient goes to both branches.
        let y = output!
        let g = Tensor.reuse(gradInput, dy.shape)
        ck_relu_backward(y.data, dy.data, g.data, dy.count)
        let dMain = conv1.backward(bn1.backward(relu1.backward(conv2.backward(bn2.backward(g)))))
        let dx: Tensor
        if let projection {
            let dShort = projection.backward(g)
            dx = dMain
            ck_add(dx.data, dShort.data, dx.count)
        } else {
            dx = dMain
            ck_add(dx.data, g.data, dx.count)
        }
        gradInput = g
        return dx
    }

    public var parameters: [Parameter] {
        conv1.parameters + bn1.parameters + conv2.parameters + bn2.parameters + (projection?.parameters ?? [])
    }

    var batchNorms: [(String, BatchNorm)] { [("bn1", bn1), ("bn2", bn2)] }
}
