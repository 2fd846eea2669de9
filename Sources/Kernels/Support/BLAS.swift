internal import COpenBLAS

/// Single-precision matrix products through OpenBLAS, row-major, and the library's thread setting.
///
/// The corresponding C function is `cblas_sgemm`.
public enum BLAS {
    /// C[M×N] = alpha · op(A) · op(B) + beta · C, all row-major with the given leading dimensions.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                     c: UnsafeMutablePointer<Float>, ldc: Int)
    {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y[n] = x[k] · B[k×n] + beta·y: one row times a matrix (sgemm's setup costs more than the work here).
    @inline(__always)
    static func rowTimesMatrix(n: Int, k: Int, x: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                               beta: Float, y: UnsafeMutablePointer<Float>)
    {
        // Row-major B[k×n] seen as column-major is Bᵀ[n×k]: y = Bᵀ·x.
        cblas_sgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(k), 1, b, Int32(ldb), x, 1, beta, y, 1)
    }

    /// C[m×n] = A[m×k] · B[k×n], row-major, for benchmarks that measure the library itself.
    public static func gemmPublic(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                  c: UnsafeMutablePointer<Float>)
    {
        gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
    }

    /// Sets the number of threads OpenBLAS uses (recorded in every result).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The kernel OpenBLAS chose for this CPU at run time (e.g. `Cooperlake`).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build description (version, options).
    public static var config: String { String(cString: openblas_get_config()) }
}

/// What a measured or trained result must say about the machine's math library.
public struct KernelsEnvironment: Sendable, Equatable, CustomStringConvertible {
    public var threads: Int
    public var blasCore: String
    public var blasConfig: String

    public static var current: KernelsEnvironment {
        KernelsEnvironment(threads: BLAS.threads, blasCore: BLAS.coreName, blasConfig: BLAS.config)
    }

    public var description: String { "OpenBLAS \(blasConfig), kernel \(blasCore), \(threads) thread(s)" }
}
