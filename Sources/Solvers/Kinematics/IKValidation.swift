extension IKOptions {
    /// Throws a ``SolverInputError`` naming the first unusable setting for a chain of `jointCount` joints and a
    /// task vector of `taskSize` entries.
    func validate(jointCount: Int, taskSize: Int) throws {
        typealias Check = SolverInputError<KinematicsInput>
        try Check.requireIterationCount(maxIterations, limit: Self.iterationLimit, at: .maxIterations)
        try Check.requireNonNegative(tolerance, at: .tolerance)
        try Check.requirePositive(stepSize, at: .stepSize)
        if stepSize > Self.maximumStepSize {
            throw Check(.stepSize, "must be at most \(Self.maximumStepSize) (a larger step overshoots even a linear model), got \(stepSize)")
        }
        if let restarts {
            try Check.requireIterationCount(restarts, limit: Self.restartLimit, at: .restarts)
        }
        if let timeLimit, timeLimit <= .zero {
            throw Check(.timeLimit, "must be positive")
        }
        if let damping { try Check.requirePositive(damping, at: .damping) }
        if let jointLimits {
            guard jointLimits.count == jointCount else {
                throw Check(.jointLimits(row: nil, column: nil), "needs one [low, high] pair per joint (\(jointCount)), got \(jointLimits.count)")
            }
            for (i, pair) in jointLimits.enumerated() {
                guard pair.count == 2 else {
                    throw Check(.jointLimits(row: i, column: nil), "must be a [low, high] pair")
                }
                try Check.requireBounded(pair) { .jointLimits(row: i, column: $0) }
                if pair[0] > pair[1] {
                    throw Check(.jointLimits(row: i, column: nil), "low \(pair[0]) is above high \(pair[1])")
                }
            }
        }
        if let weights {
            guard weights.count == taskSize else {
                throw Check(.weights(index: nil), "needs one weight per task entry (\(taskSize)), got \(weights.count)")
            }
            for (i, weight) in weights.enumerated() {
                try Check.requireNonNegative(weight, at: .weights(index: i))
            }
            if weights.allSatisfy({ $0 == 0 }) {
                throw Check(.weights(index: nil), "at least one weight must be positive")
            }
        }
    }
}

/// Checks a whole IK request; throws a ``SolverInputError`` naming the first bad field.
func validateIK(chain: KinematicChain, jointAngles: [Double], target: IKTarget, options: IKOptions) throws {
    typealias Check = SolverInputError<KinematicsInput>
    try chain.validate()
    let n = chain.jointCount
    guard jointAngles.count == n else {
        throw Check(.jointAngles(index: nil), "needs one value per joint (\(n)), got \(jointAngles.count)")
    }
    try Check.requireBounded(jointAngles, at: KinematicsInput.jointAngles)
    switch (chain, target) {
    case (.planar, .planar(let position, let orientation)):
        guard position.count == 2 else {
            throw Check(.target(.position(index: nil)), "a planar target has 2 coordinates, got \(position.count)")
        }
        try Check.requireBounded(position) { .target(.position(index: $0)) }
        if let orientation, !(abs(orientation) <= KinematicChain.magnitudeLimit) {
            throw Check(.target(.orientation(nil)), "must be a finite angle in radians")
        }
    case (.denavitHartenberg, .spatial(let position, _)), (.frames, .spatial(let position, _)):
        guard position.count == 3 else {
            throw Check(.target(.position(index: nil)), "a spatial target has 3 coordinates, got \(position.count)")
        }
        try Check.requireBounded(position) { .target(.position(index: $0)) }
    case (.planar, .spatial):
        throw Check(.target(.position(index: nil)), "a planar chain needs a planar target [x, y]")
    case (.denavitHartenberg, .planar), (.frames, .planar):
        throw Check(.target(.position(index: nil)), "a spatial chain needs a spatial target [x, y, z]")
    }
    try options.validate(jointCount: n, taskSize: target.taskSize)
}
