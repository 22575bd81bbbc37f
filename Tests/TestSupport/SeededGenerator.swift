import JacobianEngine

/// The tests' deterministic generator: the engine's SplitMix64, so randomized tests repeat exactly.
public typealias SeededGenerator = SplitMix64
