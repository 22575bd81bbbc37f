extension IKOptions {
    /// Throws a ``SolverInputError`` naming the first unusable setting for a chain of `jointCount` joints and a
    /// task vector of `taskSize` entries.
    func validate(jointCount: Int, taskSize: Int) throws {
        try SolverInputError.requireIterationCount(maxIterations, limit: Self.iterationLimit, field: "/max_iterations")
        try SolverInputError.requireNonNegative(tolerance, field: "/tolerance")
        try SolverInputError.requirePositive(stepSize, field: "/step_size")
        if stepSize > Self.maximumStepSize {
            throw SolverInputError(field: "/step_size", message: "must be at most \(Self.maximumStepSize) (a larger step overshoots even a linear model), got \(stepSize)")
        }
        if let restarts {
            try SolverInputError.requireIterationCount(restarts, limit: Self.restartLimit, field: "/restarts")
        }
        if let timeLimit, timeLimit <= .zero {
            throw SolverInputError(field: "/timeout_ms", message: "must be positive")
        }
        if let damping { try SolverInputError.requirePositive(damping, field: "/damping") }
        if let jointLimits {
            guard jointLimits.count == jointCount else {
                throw SolverInputError(field: "/joint_limits", message: "needs one [low, high] pair per joint (\(jointCount)), got \(jointLimits.count)")
            }
            for (i, pair) in jointLimits.enumerated() {
                guard pair.count == 2 else {
                    throw SolverInputError(field: "/joint_limits/\(i)", message: "must be a [low, high] pair")
                }
                try SolverInputError.requireBounded(pair, field: "/joint_limits/\(i)")
                if pair[0] > pair[1] {
                    throw SolverInputError(field: "/joint_limits/\(i)", message: "low \(pair[0]) is above high \(pair[1])")
                }
            }
        }
        if let weights {
            guard weights.count == taskSize else {
                throw SolverInputError(field: "/weights", message: "needs one weight per task entry (\(taskSize)), got \(weights.count)")
            }
            for (i, weight) in weights.enumerated() {
                try SolverInputError.requireNonNegative(weight, field: "/weights/\(i)")
            }
            if weights.allSatisfy({ $0 == 0 }) {
                throw SolverInputError(field: "/weights", message: "at least one weight must be positive")
            }
        }
    }
}

/// Checks a whole IK request; throws a ``SolverInputError`` naming the first bad field.
func validateIK(chain: KinematicChain, jointAngles: [Double], target: IKTarget, options: IKOptions) throws {
    try chain.validate()
    let n = chain.jointCount
    guard jointAngles.count == n else {
        throw SolverInputError(field: "/joint_angles", message: "needs one value per joint (\(n)), got \(jointAngles.count)")
    }
    try SolverInputError.requireBounded(jointAngles, field: "/joint_angles")
    switch (chain, target) {
    case (.planar, .planar(let position, let orientation)):
        guard position.count == 2 else {
            throw SolverInputError(field: "/target", message: "a planar target has 2 coordinates, got \(position.count)")
        }
        try SolverInputError.requireBounded(position, field: "/target")
        if let orientation, !(abs(orientation) <= SolverInputError.kinematicMagnitudeLimit) {
            throw SolverInputError(field: "/target/orientation", message: "must be a finite angle in radians")
        }
    case (.denavitHartenberg, .spatial(let position, _)), (.frames, .spatial(let position, _)):
        guard position.count == 3 else {
            throw SolverInputError(field: "/target", message: "a spatial target has 3 coordinates, got \(position.count)")
        }
        try SolverInputError.requireBounded(position, field: "/target")
    case (.planar, .spatial):
        throw SolverInputError(field: "/target", message: "a planar chain needs a planar target [x, y]")
    case (.denavitHartenberg, .planar), (.frames, .planar):
        throw SolverInputError(field: "/target", message: "a spatial chain needs a spatial target [x, y, z]")
    }
    try options.validate(jointCount: n, taskSize: target.taskSize)
}
