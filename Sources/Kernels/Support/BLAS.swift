internal import CKernels
internal import COpenBLAS
import Synchronization

/// Single-precision matrix products through OpenBLAS, row-major, and the kernels' thread setting.
///
/// Threads: each thread that calls the kernels gets its own pool of `threads` - 1 workers (`ck_parallel`), so
/// several callers at once (the SUT's workers) each run on the threads they asked for: the direct and Winograd
/// convolutions split their output rows over it, and a large product is split by rows of C into products that
/// OpenBLAS computes single-threaded, one per worker. OpenBLAS's own threads stay off (one thread): its workers
/// spin between calls, and two pools spinning on a 2-core machine slowed training down several times.
///
/// The corresponding C function is `cblas_sgemm`.
public enum BLAS {
    /// The kernels' thread count (`setThreads`): an atomic, since a step sets it on one thread and the kernels
    /// read it on others.
    static let threadCount = Atomic<Int>(1)

    /// Turns OpenBLAS's own threads off, once, before its first use (Swift runs a static's initialiser once, under
    /// a lock).
    static let openBLASSingleThreaded: Void = openblas_set_num_threads(1)

    /// C[M×N] = alpha · op(A) · op(B) + beta · C, all row-major with the given leading dimensions; split by rows
    /// of C over up to `threads` kernel threads.
    static func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = BLAS.threads
    ) {
        _ = openBLASSingleThreaded
        // Parts of at least 16 rows and ~512k multiply-adds.
        let parts = Int(ck_parts(Int32(threads), m / 16, Double(m * n * k), Double(1 << 19)))
        if parts < 2 {
            cblas_sgemm(
                CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        var product = SplitProduct(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
            ldb: ldb, beta: beta, c: c, ldc: ldc)
        withUnsafeMutablePointer(to: &product) { context in
            ck_parallel(
                Int32(parts),
                { context, part, parts in
                    context!.assumingMemoryBound(to: SplitProduct.self).pointee.run(Int(part), of: Int(parts))
                }, context)
        }
    }

    /// One product split by rows of C: part p computes rows [m·p/parts, m·(p+1)/parts).
    struct SplitProduct {
        var transA, transB: Bool
        var m, n, k: Int
        var alpha: Float
        var a: UnsafePointer<Float>
        var lda: Int
        var b: UnsafePointer<Float>
        var ldb: Int
        var beta: Float
        var c: UnsafeMutablePointer<Float>
        var ldc: Int

        func run(_ part: Int, of parts: Int) {
            let first = m * part / parts
            let rows = m * (part + 1) / parts - first
            // Row r of op(A) is row r of A, or column r of A when A is transposed.
            let aPart = transA ? a + first : a + first * lda
            cblas_sgemm(
                CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(rows), Int32(n), Int32(k), alpha, aPart, Int32(lda), b, Int32(ldb), beta,
                c + first * ldc, Int32(ldc))
        }
    }

    /// y[n] = x[k] · B[k×n] + beta·y: one row times a matrix (sgemm's setup costs more than the work here).
    @inline(__always)
    static func rowTimesMatrix(
        n: Int, k: Int, x: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        _ = openBLASSingleThreaded
        // Row-major B[k×n] seen as column-major is Bᵀ[n×k]: y = Bᵀ·x.
        cblas_sgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(k), 1, b, Int32(ldb), x, 1, beta, y, 1)
    }

    /// C[m×n] = A[m×k] · B[k×n], row-major, for benchmarks that measure the library itself.
    public static func gemmPublic(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>
    ) {
        gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
    }

    /// Sets the kernels' thread count (recorded in every result); OpenBLAS itself runs single-threaded.
    public static func setThreads(_ n: Int) {
        _ = openBLASSingleThreaded
        threadCount.store(max(1, n), ordering: .relaxed)
    }

    public static var threads: Int { threadCount.load(ordering: .relaxed) }

    /// The kernel OpenBLAS chose for this CPU at run time (e.g. `Cooperlake`).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build description (version, options).
    public static var config: String { String(cString: openblas_get_config()) }
}

/// What a measured or trained result must say about the machine's math: threads, OpenBLAS, and which
/// convolution kernels ran.
public struct KernelsEnvironment: Sendable, Equatable, CustomStringConvertible {
    public var threads: Int
    public var blasCore: String
    public var blasConfig: String
    /// "direct + Winograd (AVX-512)", "direct (AVX2)" or "im2col + sgemm": what the convolutions ran as.
    public var convolution: String

    public static var current: KernelsEnvironment {
        KernelsEnvironment(
            threads: BLAS.threads, blasCore: BLAS.coreName, blasConfig: BLAS.config,
            convolution: DirectConv.description)
    }

    public var description: String {
        "\(threads) kernel thread(s), \(convolution) convolutions; OpenBLAS \(blasConfig), kernel \(blasCore), "
            + "one thread per kernel thread"
    }
}
