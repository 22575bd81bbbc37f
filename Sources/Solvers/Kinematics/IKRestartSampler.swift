import JacobianEngine

/// Draws the start configurations of restarts: each joint uniformly in an interval inside its limits, from a
/// generator seeded by the request itself, so the same request always makes the same draws.
///
/// The interval of a revolute joint is one turn, [c − π, c + π], slid inside its limits when they are wider than a
/// turn (c = 0 when 0 lies far enough inside) and the limits themselves when narrower: every orientation of the joint
/// is drawn, and none twice over. A prismatic joint draws within its limits, or within ±(the chain's size) of its
/// start when it has none.
struct IKRestartSampler {
    private var generator: SplitMix64
    private let lower: [Double], upper: [Double]

    init(chain: KinematicChain, limits: [[Double]]?, start: [Double], target: IKTarget) {
        generator = SplitMix64(seed: Self.seed(start: start, target: target))
        var lower: [Double] = [], upper: [Double] = []
        let size = max(chain.characteristicLength, 1)
        for i in 0..<chain.jointCount {
            let low = limits?[i][0] ?? -Double.infinity, high = limits?[i][1] ?? .infinity
            if chain.isPrismatic(i) {
                lower.append(max(low, start[i] - size))
                upper.append(min(high, start[i] + size))
            } else if high - low <= 2 * .pi {
                lower.append(low)
                upper.append(high)
            } else {
                let centre = min(max(0, low + .pi), high - .pi)
                lower.append(centre - .pi)
                upper.append(centre + .pi)
            }
        }
        self.lower = lower
        self.upper = upper
    }

    /// Writes the next draw into `q`.
    mutating func draw(into q: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<lower.count {
            // lower + u·(upper − lower) can round above upper; the clamp keeps the draw inside the limits.
            q[i] = min(lower[i] + generator.unit() * (upper[i] - lower[i]), upper[i])
        }
    }

    /// FNV-1a over the bit patterns of the start and the target: the same request seeds the same draws, and
    /// different targets of a path draw differently.
    static func seed(start: [Double], target: IKTarget) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: Double) {
            var bits = value.bitPattern
            for _ in 0..<8 {
                hash = (hash ^ (bits & 0xFF)) &* 0x0000_0100_0000_01B3
                bits >>= 8
            }
        }
        start.forEach(mix)
        target.position.forEach(mix)
        switch target {
        case .planar(_, let angle): mix(angle ?? .nan)
        case .spatial(_, let rotation): (rotation?.entries ?? [.nan]).forEach(mix)
        }
        return hash
    }
}
