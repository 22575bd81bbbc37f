/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014): a tiny generator whose
/// output depends only on its seed, on every platform and Swift version. What makes IK restarts, seeded
/// perturbations and the benchmarks' workloads reproducible, bit for bit.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The generator whose first output follows `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1) from the top 53 bits: written out rather than `Double.random(in:using:)`, whose
    /// algorithm the standard library does not promise to keep.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
