#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How far a function's exact Jacobian is from central finite differences: the analogue of
/// `torch.autograd.gradcheck` and `jax.test_util.check_grads`, for users validating a function they wrote.
///
/// This is the only place the engine uses finite differences. They are an approximation with truncation and
/// rounding error of about h² and ε/h; the report is evidence about the function (a wrong formula, a kink, a
/// branch near the point), never a substitute for its derivative.
public struct GradientCheck: Sendable, Hashable {
    /// One discrepancy and where it is.
    public struct Discrepancy: Sendable, Hashable {
        /// |exact − finite difference| (absolute), or that divided by max(|exact|, |finite difference|) (relative).
        public var error: Double
        /// Jacobian row.
        public var row: Int
        /// Jacobian column.
        public var column: Int
        /// The exact entry.
        public var exact: Double
        /// The central difference.
        public var estimate: Double
    }

    /// The method, said in the response: "central differences".
    public static let method = "central differences"
    /// Absolute tolerance of `passed` (torch.autograd.gradcheck's `atol` for float64).
    public static let absoluteTolerance = 1e-5
    /// Relative tolerance of `passed` (gradcheck's `rtol`).
    public static let relativeTolerance = 1e-3

    /// The largest absolute discrepancy, or nil when no entry could be checked.
    public var maxAbsolute: Discrepancy?
    /// The largest relative discrepancy (entries where both numbers are 0 count as 0), or nil.
    public var maxRelative: Discrepancy?
    /// The step used for each column: ∛ε · max(1, |x_j|), rounded so that x ± h is exact.
    public var steps: [Double]
    /// Columns whose shifted points left the function's domain (a value was NaN or infinite); not checked.
    public var uncheckedColumns: [Int]
    /// Whether every checked entry satisfies |exact − estimate| ≤ absoluteTolerance + relativeTolerance·|estimate|,
    /// gradcheck's rule.
    public var passed: Bool
}

extension CompiledFunction {
    /// Compares the exact Jacobian at `point` with central differences `(f(x + h e_j) − f(x − h e_j)) / 2h`, one
    /// step per column suited to its scale (∛ε · max(1, |x_j|), which balances truncation and rounding error).
    ///
    /// For functions differentiated with respect to their inputs (`.invalidSpecification` for a network's
    /// parameters, which a point does not hold). Costs 2 evaluations per column, counted as a batch of 2n points
    /// against `maxBatchSize`. Errors of the exact Jacobian as `jacobian(at:mode:)`.
    public func gradientCheck(at point: [Double], limits: EngineLimits = EngineLimits()) throws(EngineError)
        -> GradientCheck
    {
        guard columnCount == inputCount, columnNames == inputNames else {
            throw EngineError(kind: .invalidSpecification, message: "the gradient check perturbs the point, so it "
                              + "needs derivatives with respect to the input, not the parameters")
        }
        try checkBatchSize(2 * inputCount, limits: limits)
        let exact = try jacobian(at: point).jacobian
        let epsilonCubeRoot = cbrt(Double.ulpOfOne)
        var steps: [Double] = []
        var unchecked: [Int] = []
        var maxAbsolute: GradientCheck.Discrepancy?
        var maxRelative: GradientCheck.Discrepancy?
        var passed = true
        var shifted = point
        for column in 0..<inputCount {
            let x = point[column]
            // Rounding x + h and taking the difference makes h exactly the step the function sees.
            let h = (x + epsilonCubeRoot * max(1, Swift.abs(x))) - x
            steps.append(h)
            shifted[column] = x + h
            let above = try? evaluate(at: shifted)
            shifted[column] = x - h
            let below = try? evaluate(at: shifted)
            shifted[column] = x
            guard let above, let below else {
                unchecked.append(column)
                continue
            }
            for row in 0..<outputCount {
                let estimate = (above[row] - below[row]) / (2 * h)
                let entry = exact[row, column]
                let absolute = Swift.abs(entry - estimate)
                let scale = max(Swift.abs(entry), Swift.abs(estimate))
                let relative = scale == 0 ? 0 : absolute / scale
                if absolute > maxAbsolute?.error ?? -1 {
                    maxAbsolute = .init(error: absolute, row: row, column: column, exact: entry, estimate: estimate)
                }
                if relative > maxRelative?.error ?? -1 {
                    maxRelative = .init(error: relative, row: row, column: column, exact: entry, estimate: estimate)
                }
                if !(absolute <= GradientCheck.absoluteTolerance + GradientCheck.relativeTolerance * Swift.abs(estimate)) {
                    passed = false
                }
            }
        }
        return GradientCheck(maxAbsolute: maxAbsolute, maxRelative: maxRelative, steps: steps,
                             uncheckedColumns: unchecked, passed: passed)
    }
}
