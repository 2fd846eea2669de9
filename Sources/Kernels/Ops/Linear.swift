internal import CKernels

/// `y = x · W + b`, with `x` of shape [N, in] (or any [N, …] flattened), W [in, out], b [out].
public final class Linear: Layer {
    public let inputs: Int
    public let outputs: Int
    public let weight: Parameter
    public let bias: Parameter
    var input: Tensor?
    var output: Tensor?
    var gradInput: Tensor?

    public init(_ inputs: Int, _ outputs: Int, name: String = "linear") {
        self.inputs = inputs
        self.outputs = outputs
        weight = Parameter(name + ".weight", [inputs, outputs], decays: true)
        bias = Parameter(name + ".bias", [outputs], decays: false)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let n = x.shape[0]
        precondition(x.count == n * inputs, "linear layer expects \(inputs) inputs, found \(x.shape)")
        let y = Tensor.reuse(output, [n, outputs])
        output = y
        if training { input = x }
        Linear.apply(
            x.data, n: n, inputs: inputs, outputs: outputs, weight: weight.value.data, bias: bias.value.data,
            into: y.data)
        return y
    }

    /// y[n×out] = x · W + b, then ReLU if `relu`, for at most 8 rows and any output count, reading W once, row by
    /// row (`Sources/CKernels/linear_rows.c`): the inference graph's path for wide layers at small batches, such as
    /// ResNet-50's 2048 -> 1001 classifier, which `apply` would send to sgemv (the count is not whole vectors).
    /// Returns false when it does not apply (more rows, or no AVX-512); the result is then not written.
    static func applyToFewRows(
        _ x: UnsafePointer<Float>, n: Int, inputs: Int, outputs: Int, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, relu: Bool, into y: UnsafeMutablePointer<Float>, threads: Int
    ) -> Bool {
        ck_linear_rows(
            x, Int32(n), Int32(inputs), Int32(outputs), weight, bias, relu ? 1 : 0, y, Int32(threads)) == 0
    }

    /// y[n×out] = x · W + b, then ReLU if `relu` (shared with the inference path). Rows go through the direct
    /// kernel where it applies: it beats sgemm's setup on products this small, and for one row it beat sgemv 5× on
    /// the digits MLP (OpenBLAS 0.3.21 runs its SSE3 Prescott kernels on AVX-512 CPUs it does not recognise).
    /// Else one row through sgemv, more through sgemm.
    static func apply(
        _ x: UnsafePointer<Float>, n: Int, inputs: Int, outputs: Int, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>, relu: Bool = false, into y: UnsafeMutablePointer<Float>,
        threads: Int = BLAS.threads
    ) {
        if DirectConv.linear(
            x, n: n, inputs: inputs, outputs: outputs, weight: weight, bias: bias, relu: relu,
            into: y, threads: threads)
        {
            return
        }
        defer { if relu { ck_relu(y, y, n * outputs) } }
        for r in 0..<n { (y + r * outputs).update(from: bias, count: outputs) }
        if n == 1 {
            BLAS.rowTimesMatrix(n: outputs, k: inputs, x: x, b: weight, ldb: outputs, beta: 1, y: y)
        } else {
            BLAS.gemm(
                m: n, n: outputs, k: inputs, a: x, lda: inputs, b: weight, ldb: outputs, beta: 1, c: y,
                ldc: outputs)
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let x = input!
        let n = dy.shape[0]
        // dW = xᵀ · dy ; db = Σ dy ; dx = dy · Wᵀ
        BLAS.gemm(
            transA: true, m: inputs, n: outputs, k: n, a: x.data, lda: inputs, b: dy.data, ldb: outputs,
            c: weight.grad.data, ldc: outputs)
        ck_channel_sums(dy.data, n, Int32(outputs), bias.grad.data)
        let dx = Tensor.reuse(gradInput, x.shape)
        gradInput = dx
        BLAS.gemm(
            transB: true, m: n, n: inputs, k: outputs, a: dy.data, lda: outputs, b: weight.value.data,
            ldb: outputs, c: dx.data, ldc: inputs)
        return dx
    }

    public var parameters: [Parameter] { [weight, bias] }
}
