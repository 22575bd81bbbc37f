import Foundation

/// A feed-forward network compiled for evaluation and exact differentiation, layer by layer.
///
/// Networks are not taped scalar by scalar: each layer is one dense operation on contiguous row-major storage, and
/// its derivative is a dense operation on a whole block of tangents (forward mode) or adjoints (reverse mode). The
/// steps are immutable, so one program is shared by every thread.
struct NetworkProgram: DifferentiableProgram {
    /// One compiled layer.
    enum Step: Sendable {
        /// `y = W x + b`.
        case affine(AffineMap)
        /// `y_i = f(x_i)`.
        case elementwise(Activation)
        /// `y = exp(x − max x) / Σ exp(x − max x)` over the whole vector.
        case softmax
    }

    /// The compiled layers, in order.
    let steps: [Step]
    /// The width of the vector entering each step, then the network's output width: `steps.count + 1` entries.
    let widths: [Int]
    /// Where each width's slice begins in the buffer holding every intermediate vector of one forward pass.
    let activationOffsets: [Int]
    /// Total length of that buffer.
    let activationLength: Int
    /// The widest vector anywhere in the network.
    let maxWidth: Int
    /// Whether the Jacobian's columns are the inputs or the parameters.
    let variable: DifferentiationVariable
    /// Total number of weights and biases.
    let parameterCount: Int
    /// Whether forward mode's tangent blocks (widest layer × columns) fit the limits.
    let forwardFits: Bool
    /// Whether reverse mode's adjoint blocks (outputs × widest layer) fit the limits. At least one mode fits; a
    /// request for the other uses it, which gives the same Jacobian (both are exact).
    let reverseFits: Bool

    let inputCount: Int
    let outputCount: Int
    let columnCount: Int
    let columnNames: [String]
    let rowNames: [String]

    /// Assembles a program from validated steps; `NetworkProgram.compile` is the checked entry point.
    init(
        steps: [Step], inputCount: Int, variable: DifferentiationVariable,
        forwardFits: Bool = true, reverseFits: Bool = true
    ) {
        precondition(forwardFits || reverseFits, "at least one mode must fit")
        var widths = [inputCount]
        for step in steps {
            if case .affine(let map) = step { widths.append(map.outputs) } else { widths.append(widths.last!) }
        }
        var offsets: [Int] = []
        var length = 0
        for width in widths {
            offsets.append(length)
            length += width
        }
        let parameterCount = steps.reduce(0) { total, step in
            if case .affine(let map) = step { total + map.parameterCount } else { total }
        }
        self.steps = steps
        self.widths = widths
        self.activationOffsets = offsets
        self.activationLength = length
        self.maxWidth = widths.max()!
        self.variable = variable
        self.parameterCount = parameterCount
        self.forwardFits = forwardFits
        self.reverseFits = reverseFits
        self.inputCount = inputCount
        self.outputCount = widths.last!
        self.rowNames = (0..<widths.last!).map { "y[\($0)]" }
        switch variable {
        case .input:
            self.columnCount = inputCount
            self.columnNames = (0..<inputCount).map { "x[\($0)]" }
        case .parameters:
            self.columnCount = parameterCount
            var names: [String] = []
            names.reserveCapacity(parameterCount)
            for (index, step) in steps.enumerated() {
                if case .affine(let map) = step { names += map.parameterNames(layerIndex: index) }
            }
            self.columnNames = names
        }
    }

    /// The name used for layer `index` in error messages: "layers[2] (softplus)".
    func layerDescription(_ index: Int) -> String {
        let kind: String
        switch steps[index] {
        case .affine: kind = "linear"
        case .elementwise(let activation): kind = activation.name
        case .softmax: kind = "softmax"
        }
        return "layers[\(index)] (\(kind))"
    }

    // MARK: Forward pass

    /// Runs the network on `point`, writing every intermediate vector into `activations` (`activationLength`
    /// entries): the input at `activationOffsets[0]`, the output of step `l` at `activationOffsets[l + 1]`.
    func forward(_ point: UnsafePointer<Double>, activations: UnsafeMutablePointer<Double>) {
        activations.update(from: point, count: inputCount)
        for (index, step) in steps.enumerated() {
            let x = UnsafePointer(activations + activationOffsets[index])
            let y = activations + activationOffsets[index + 1]
            let width = widths[index]
            switch step {
            case .affine(let map):
                map.apply(to: x, into: y)
            case .elementwise(let activation):
                for i in 0..<width { y[i] = activation.value(x[i]) }
            case .softmax:
                Self.softmax(x, into: y, count: width)
            }
        }
    }

    /// The numerically stable softmax: shifting by the maximum keeps every exponential in (0, 1].
    static func softmax(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        var largest = -Double.infinity
        for i in 0..<count where x[i] > largest { largest = x[i] }
        var total = 0.0
        for i in 0..<count {
            y[i] = Foundation.exp(x[i] - largest)
            total += y[i]
        }
        for i in 0..<count { y[i] /= total }
    }

    /// Runs the forward pass at `point` in scratch storage that lives only for the call, then `body` on it.
    @inline(__always)
    func withActivations<R>(
        _ point: UnsafeBufferPointer<Double>,
        _ body: (UnsafeMutablePointer<Double>) throws(EngineError) -> R
    ) throws(EngineError) -> R {
        precondition(point.count == inputCount, "a point must have inputCount entries")
        return try withScratch(count: activationLength) { (activations) throws(EngineError) -> R in
            forward(point.baseAddress!, activations: activations)
            return try body(activations)
        }
    }

    // MARK: DifferentiableProgram

    func evaluate(at point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>) throws(EngineError) {
        try withActivations(point) { (activations) throws(EngineError) in
            try copyOutput(of: activations, into: value)
        }
    }

    /// Copies the last layer's output into `value`, or throws `.nonFinite` naming its first NaN or infinite entry.
    private func copyOutput(
        of activations: UnsafeMutablePointer<Double>, into value: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let output = activations + activationOffsets[steps.count]
        if let row = DenseKernels.firstNonFinite(output, count: outputCount) {
            throw nonFiniteValueError(row: row, activations: activations)
        }
        value.baseAddress!.update(from: output, count: outputCount)
    }

    func jacobian(
        at point: UnsafeBufferPointer<Double>,
        mode: DifferentiationMode,
        value: UnsafeMutableBufferPointer<Double>,
        jacobian: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        precondition(mode != .auto, "the caller resolves .auto")
        let mode: DifferentiationMode = mode == .reverse ? (reverseFits ? .reverse : .forward)
            : (forwardFits ? .forward : .reverse)
        try withActivations(point) { (activations) throws(EngineError) in
            try copyOutput(of: activations, into: value)
            let target = jacobian.baseAddress!
            switch (variable, mode) {
            case (.input, .reverse): inputJacobianReverse(activations: activations, into: target)
            case (.input, _): inputJacobianForward(activations: activations, into: target)
            case (.parameters, .reverse): parameterJacobianReverse(activations: activations, into: target)
            case (.parameters, _): parameterJacobianForward(activations: activations, into: target)
            }
            if let entry = DenseKernels.firstNonFinite(target, count: outputCount * columnCount) {
                throw nonFiniteDerivativeError(entry: entry, mode: mode, activations: activations, scratch: target)
            }
        }
    }
}

/// Runs `body` with `count` uninitialized doubles that live only for the call: on the stack when small.
@inline(__always)
func withScratch<R>(
    count: Int,
    _ body: (UnsafeMutablePointer<Double>) throws(EngineError) -> R
) throws(EngineError) -> R {
    let result: Result<R, EngineError> = withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(count, 1)) {
        buffer in
        do throws(EngineError) { return .success(try body(buffer.baseAddress!)) } catch { return .failure(error) }
    }
    return try result.get()
}
