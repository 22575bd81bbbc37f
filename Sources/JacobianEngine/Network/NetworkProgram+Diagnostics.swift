/// Naming the layer behind a NaN or infinite value or derivative.
///
/// The fast path checks only the finished output and Jacobian. When either holds a non-finite number, the work is
/// redone with a check after every layer, which costs a little more but only on the way to an error.
extension NetworkProgram {
    /// The `.nonFinite` error for output `row`, whose value is NaN or infinite after the forward pass that filled
    /// `activations`.
    func nonFiniteValueError(row: Int, activations: UnsafeMutablePointer<Double>) -> EngineError {
        let culprit = steps.indices.first { index in
            DenseKernels.firstNonFinite(activations + activationOffsets[index + 1], count: widths[index + 1]) != nil
        } ?? steps.count - 1
        let layer = layerDescription(culprit)
        return EngineError(
            kind: .nonFinite,
            message: "the value of \(rowNames[row]) is not finite at this point: \(layer) produced a NaN or "
                + "infinite value",
            row: row, operation: layer)
    }

    /// The `.nonFinite` error for the Jacobian entry at flat index `entry`, recomputed in `mode` with a check after
    /// every layer; `scratch` receives the (discarded) Jacobian of that rerun.
    func nonFiniteDerivativeError(
        entry: Int, mode: DifferentiationMode, activations: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Double>
    ) -> EngineError {
        let row = entry / columnCount
        let column = entry % columnCount
        let culprit: Int?
        switch (variable, mode) {
        case (.input, .reverse):
            culprit = inputJacobianReverse(activations: activations, into: scratch, stopAtNonFinite: true)
        case (.input, _):
            culprit = inputJacobianForward(activations: activations, into: scratch, stopAtNonFinite: true)
        case (.parameters, .reverse):
            culprit = parameterJacobianReverse(activations: activations, into: scratch, stopAtNonFinite: true)
        case (.parameters, _):
            culprit = parameterJacobianForward(activations: activations, into: scratch, stopAtNonFinite: true)
        }
        let layer = layerDescription(culprit ?? steps.count - 1)
        return EngineError(
            kind: .nonFinite,
            message: "the derivative of \(rowNames[row]) with respect to \(columnNames[column]) is not finite at "
                + "this point: \(layer) produced a NaN or infinite derivative",
            row: row, columnIndex: column, operation: layer)
    }
}
