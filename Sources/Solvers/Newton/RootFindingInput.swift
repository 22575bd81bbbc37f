/// Where in the input of ``solveRoots(_:from:options:)`` a refused value sits.
public enum RootFindingInput: Hashable, Sendable {
    /// The starting point: entry `index`, or the whole vector (its length) when nil.
    case point(index: Int?)
    /// ``NewtonOptions/stepSize``.
    case stepSize
    /// ``NewtonOptions/maxIterations``.
    case maxIterations
    /// ``NewtonOptions/tolerance``.
    case tolerance
    /// ``NewtonOptions/stepTolerance``.
    case stepTolerance
    /// ``NewtonOptions/damping``.
    case damping
}
