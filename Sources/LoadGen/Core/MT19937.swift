/// The 32-bit Mersenne Twister (`std::mt19937`), as LoadGen seeds its generators with it; and the draws
/// built on it.
///
/// The generator and `canonical()` (53 random bits from two outputs, as `std::generate_canonical<double, 53>`)
/// follow the C++ standard exactly, so Server arrival times match LoadGen's for the same seed; the uniform integer
/// draw and the shuffle follow libstdc++'s algorithms (which the standard leaves open), so the samples chosen are
/// the official package's, sequence id for sequence id (tested against PyPI's mlcommons-loadgen).
public struct MT19937: Sendable {
    var state = [UInt32](repeating: 0, count: 624)
    var index = 624

    public init(seed: UInt64) {
        // std::mt19937 takes its seed modulo 2^32.
        state[0] = UInt32(truncatingIfNeeded: seed)
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    public mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var v = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_B0DF }
            state[i] = v
        }
        index = 0
    }

    /// Uniform in [0, 1) from two outputs (low word first), as `std::generate_canonical<double, 53>`.
    public mutating func canonical() -> Double {
        let lo = Double(next())
        let hi = Double(next())
        let r = (lo + hi * 4_294_967_296.0) / 18_446_744_073_709_551_616.0
        return r < 1 ? r : 1.0.nextDown
    }

    /// An exponential interarrival time of rate `lambda`, as `std::exponential_distribution`.
    public mutating func exponential(_ lambda: Double) -> Double {
        -log(1 - canonical()) / lambda
    }

    /// Uniform in 0...upper, without bias (rejection sampling on 32 or 64 bits).
    /// `std::uniform_int_distribution<>(0, upper)(engine)` as libstdc++ (GCC 11 and later) computes it for a 32-bit
    /// engine: Lemire's multiply-and-reject with a 64-bit product. LoadGen's sample and shuffle draws go through it,
    /// so matching it bit for bit gives the same queries as the official LoadGen.
    public mutating func uniform(_ upper: Int) -> Int {
        if upper <= 0 { return 0 }
        if UInt64(upper) >= UInt64(UInt32.max) {
            return upper == Int(UInt32.max) ? Int(next()) : Int(UInt64(next()) % UInt64(upper + 1))
        }
        let range = UInt32(upper + 1)
        var product = UInt64(next()) * UInt64(range)
        var low = UInt32(truncatingIfNeeded: product)
        if low < range {
            let threshold = (0 &- range) % range
            while low < threshold {
                product = UInt64(next()) * UInt64(range)
                low = UInt32(truncatingIfNeeded: product)
            }
        }
        return Int(product >> 32)
    }

    /// `std::shuffle(first, last, engine)` as libstdc++ does it: when the engine's range covers n², two swap
    /// positions come from one draw (`__gen_two_uniform_ints`); otherwise one draw per element.
    public mutating func shuffle<T>(_ a: inout [T]) {
        let n = a.count
        guard n > 1 else { return }
        let engineRange = UInt64(UInt32.max)
        if engineRange / UInt64(n) >= UInt64(n) {
            var i = 1
            if n % 2 == 0 {
                a.swapAt(i, uniform(1))
                i += 1
            }
            while i != n {
                let b0 = i + 1
                let b1 = i + 2
                let x = uniform(b0 * b1 - 1)
                a.swapAt(i, x / b1)
                a.swapAt(i + 1, x % b1)
                i += 2
            }
        } else {
            for i in 1..<n { a.swapAt(i, uniform(i)) }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
