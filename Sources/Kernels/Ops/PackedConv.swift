internal import CKernels

/// The inference convolution of `Sources/CKernels/packed_conv.c`: weights packed once into panels of output channels
/// (64 with AVX-512, 16 with AVX2) in the order the kernel reads them, so the deep layers' weights stay in cache while
/// the pixels pass; bias, residual and ReLU fused into the store; the work split over output channels or pixels.
enum PackedConv {
    /// Whether the packed kernel runs `g` on this CPU.
    static func applies(to g: ConvGeometry) -> Bool {
        let width = Int(ck_packed_panel_width())
        return width > 0 && g.outChannels % DirectConv.lanes == 0 && g.padding < g.kernel
    }

    /// The packed weights of HWIO weights [k·k·in, out], or nil when the kernel does not apply.
    static func weights(_ g: ConvGeometry, _ weight: Tensor) -> Tensor? {
        guard applies(to: g) else { return nil }
        let packed = Tensor([ck_packed_weights_floats(Int32(g.kernel), Int32(g.inChannels), Int32(g.outChannels))])
        ck_pack_weights(weight.data, Int32(g.kernel), Int32(g.inChannels), Int32(g.outChannels), packed.data)
        return packed
    }

    /// The Winograd tile for a 3×3 stride-1 layer with `outputSize` pixels per image, or nil when the packed kernel
    /// is faster: F(4×4, 3×3) (4 times fewer products) on large images, F(2×2, 3×3) (2.25 times fewer, cheaper
    /// transforms) at 14×14, neither at 7×7, where the transforms cost more than they save. Measured on ResNet-50's
    /// layers at batch 1 on one thread, on a loaded machine (effective GFLOP/s of F(4×4) / F(2×2) / packed): 56×56
    /// 340 / 221 / 162, 28×28 386 / 258 / 160, 14×14 141 / 201 / 123; at 7×7 neither tile beat the packed kernel.
    static func winogradTile(_ g: ConvGeometry, outputSize: Int) -> Int? {
        guard WinogradConv.applies(to: g) else { return nil }
        if outputSize >= 28 * 28 { return 4 }
        return outputSize >= 14 * 14 ? 2 : nil
    }

    /// The scratch floats `forward` needs for `n` images of h × w (a padded copy of them; 0 without padding).
    static func scratchFloats(_ g: ConvGeometry, n: Int, h: Int, w: Int) -> Int {
        ck_packed_conv_scratch_floats(Int32(n), Int32(h), Int32(w), Int32(g.inChannels), Int32(g.padding))
    }

    /// y = conv(x) + bias (+ residual), then ReLU if `relu`, on weights from `weights`. `scratch` holds at least
    /// `scratchFloats` floats.
    static func forward(
        _ g: ConvGeometry, _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, packed: Tensor,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, relu: Bool,
        into y: UnsafeMutablePointer<Float>, scratch: Tensor, threads: Int
    ) {
        let status = ck_packed_conv(
            x, Int32(n), Int32(h), Int32(w), Int32(g.inChannels), packed.data, bias, Int32(g.outChannels),
            Int32(g.kernel), Int32(g.stride), Int32(g.padding), residual, relu ? 1 : 0, y, scratch.data,
            Int32(threads))
        precondition(status == 0, "the packed convolution refused a shape it was chosen for: \(g)")
    }
}
