/// A contiguous Float32 tensor with a shape, 64-byte aligned, owned by this object.
///
/// Images are **NHWC** (batch, height, width, channels): with im2col + GEMM, a 3×3 patch of every channel is
/// one contiguous run, a convolution's output comes out of the GEMM already in NHWC, a 1×1 convolution is a
/// plain GEMM over the pixels, and batch-norm and ReLU run over contiguous channel vectors. (ONNX's NCHW is
/// produced only when a model is exported.)
///
/// Not Sendable: `reshape`, `fill` and the subscript change it in place. A type that shares tensors between threads
/// (the `Classifier`'s weights) says why that is safe.
public final class Tensor {
    public private(set) var shape: [Int]
    public private(set) var count: Int
    public let data: UnsafeMutablePointer<Float>
    let capacity: Int

    /// A zero-filled tensor.
    public init(_ shape: [Int]) {
        self.shape = shape
        count = shape.reduce(1, *)
        capacity = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
        data = raw.bindMemory(to: Float.self, capacity: capacity)
        data.initialize(repeating: 0, count: capacity)
    }

    public convenience init(_ shape: [Int], values: [Float]) {
        self.init(shape)
        precondition(values.count == count, "values do not fit the shape")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    deinit { UnsafeMutableRawPointer(data).deallocate() }

    /// Changes the leading (batch) dimension without reallocating when the storage is large enough; the contents
    /// are then undefined. Returns false when it had to be larger (the caller allocates a new tensor).
    @discardableResult
    public func reshape(_ newShape: [Int]) -> Bool {
        let n = newShape.reduce(1, *)
        guard n <= capacity else { return false }
        shape = newShape
        count = n
        return true
    }

    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    public subscript(i: Int) -> Float {
        get { data[i] }
        set { data[i] = newValue }
    }

    public func fill(_ v: Float) { data.update(repeating: v, count: count) }

    public func copy(from other: Tensor) {
        precondition(other.count == count)
        data.update(from: other.data, count: count)
    }

    public func clone() -> Tensor {
        let t = Tensor(shape)
        t.copy(from: self)
        return t
    }

    /// A tensor of `shape` reusing `existing` when it has room.
    static func reuse(_ existing: Tensor?, _ shape: [Int]) -> Tensor {
        if let existing, existing.reshape(shape) { return existing }
        return Tensor(shape)
    }
}

/// A trainable tensor and its gradient.
public final class Parameter {
    public let name: String
    public let value: Tensor
    public let grad: Tensor
    /// Whether weight decay applies (weights yes; biases and batch-norm scales no).
    public let decays: Bool

    public init(_ name: String, _ shape: [Int], decays: Bool) {
        self.name = name
        value = Tensor(shape)
        grad = Tensor(shape)
        self.decays = decays
    }
}
