/// The value and Jacobian of a function at one point.
public struct JacobianResult: Sendable, Hashable {
    /// The function's value, one entry per output (Jacobian row).
    public var value: [Double]
    /// The Jacobian, outputs × columns.
    public var jacobian: Matrix

    /// A result from its parts.
    public init(value: [Double], jacobian: Matrix) {
        self.value = value
        self.jacobian = jacobian
    }
}

/// A compiled, immutable function: evaluate it and its exact Jacobian at any point, from any number of threads at
/// once. Obtain one from `JacobianEngine.compile(_:withRespectTo:)` (cached) or `CompiledFunction(_:limits:)`.
public final class CompiledFunction: Sendable, CustomDebugStringConvertible {
    /// Length of a point.
    public let inputCount: Int
    /// Number of outputs: the Jacobian's rows.
    public let outputCount: Int
    /// Number of Jacobian columns: the inputs, or a network's parameters when differentiating with respect to them.
    public let columnCount: Int
    /// One name per Jacobian column: "x[0]", "t", "layers[0].weight[1][0]", "layers[0].bias[2]".
    public let columnNames: [String]
    /// One name per Jacobian row: "outputs[0]", ... or "y[0]", ... for networks.
    public let rowNames: [String]
    /// Names of the point's entries, used in dimension errors ("x[0], x[1], x[2]").
    let inputNames: [String]
    /// The program that does the work.
    let program: any DifferentiableProgram
    /// What `.auto` resolves to, decided once.
    private let autoMode: DifferentiationMode

    /// Wraps a program. `inputNames` names the point's entries (the columns, when differentiating with respect to
    /// the inputs).
    init(program: any DifferentiableProgram, inputNames: [String]) {
        precondition(inputNames.count == program.inputCount, "one name per input")
        self.program = program
        self.inputCount = program.inputCount
        self.outputCount = program.outputCount
        self.columnCount = program.columnCount
        self.columnNames = program.columnNames
        self.rowNames = program.rowNames
        self.inputNames = inputNames
        let byShape: DifferentiationMode = program.columnCount <= program.outputCount ? .forward : .reverse
        self.autoMode = (program as? ExpressionProgram)?.sparsity.preferredMode ?? byShape
    }

    /// The mode `jacobian(at:mode:)` actually uses: `.auto` becomes `.forward` when the Jacobian has no more
    /// columns than rows (one sweep carries every column) and `.reverse` otherwise (one sweep per row), except that
    /// for an expression function whose sparsity makes the other mode do less than half the work (estimated at
    /// compile time from the columns each instruction depends on and the instructions each row depends on), that
    /// mode is used.
    public func resolvedMode(_ mode: DifferentiationMode) -> DifferentiationMode {
        switch mode {
        case .auto: autoMode
        case .forward, .reverse: mode
        }
    }

    /// The function's value at `point`.
    ///
    /// Throws `.dimensionMismatch` for a point of the wrong length and `.nonFinite` when an output is NaN or
    /// infinite (its `pointer` is "", relative to the point).
    public func evaluate(at point: [Double]) throws(EngineError) -> [Double] {
        try checkDimension(of: point)
        var failure: EngineError?
        let value = [Double](unsafeUninitializedCapacity: outputCount) { buffer, count in
            buffer.initialize(repeating: 0)
            count = outputCount
            point.withUnsafeBufferPointer { pointBuffer in
                do throws(EngineError) {
                    try program.evaluate(at: pointBuffer, value: buffer)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return value
    }

    /// The value and the exact Jacobian at `point`, by forward or reverse accumulation (`.auto` picks by shape,
    /// see `resolvedMode(_:)`). Both modes give the same numbers up to rounding.
    ///
    /// Throws `.dimensionMismatch` for a point of the wrong length and `.nonFinite` when a value or derivative is
    /// NaN or infinite, naming the row, the column and the operation that produced it.
    public func jacobian(at point: [Double], mode: DifferentiationMode = .auto) throws(EngineError) -> JacobianResult {
        try checkDimension(of: point)
        let resolved = resolvedMode(mode)
        var failure: EngineError?
        var value = [Double](repeating: 0, count: outputCount)
        var entries = [Double](repeating: 0, count: outputCount * columnCount)
        value.withUnsafeMutableBufferPointer { valueBuffer in
            entries.withUnsafeMutableBufferPointer { jacobianBuffer in
                point.withUnsafeBufferPointer { pointBuffer in
                    do throws(EngineError) {
                        try program.jacobian(
                            at: pointBuffer, mode: resolved, value: valueBuffer, jacobian: jacobianBuffer)
                    } catch {
                        failure = error
                    }
                }
            }
        }
        if let failure { throw failure }
        return JacobianResult(value: value, jacobian: Matrix(rows: outputCount, columns: columnCount, storage: entries))
    }

    /// A listing of the compiled program for debugging (instructions and registers for expression functions).
    public var debugDescription: String {
        if let listing = program as? any CustomDebugStringConvertible { return listing.debugDescription }
        return "CompiledFunction: \(inputCount) inputs, \(outputCount) outputs, \(columnCount) columns"
    }

    /// Throws `.dimensionMismatch` unless the point has one entry per input.
    func checkDimension(of point: [Double]) throws(EngineError) {
        guard point.count != inputCount else { return }
        let listed = inputNames.count <= 10
            ? inputNames.joined(separator: ", ")
            : inputNames.prefix(3).joined(separator: ", ") + ", ..., " + inputNames[inputNames.count - 1]
        let noun = inputCount == 1 ? "input" : "inputs"
        let entries = point.count == 1 ? "entry" : "entries"
        throw EngineError(
            kind: .dimensionMismatch,
            message: "point has \(point.count) \(entries) but the function has \(inputCount) \(noun) (\(listed))")
    }
}
