extension CompiledFunction {
    /// Compiles a feed-forward network under `limits`, differentiated with respect to its input (columns `x[0]`,
    /// `x[1]`, ...) or its parameters (columns `layers[0].weight[0][0]`, ..., `layers[0].bias[0]`, ... in PyTorch's
    /// `named_parameters` order). Rows are `y[0]`, `y[1]`, ...
    ///
    /// Throws `.invalidSpecification` with a JSON pointer ("/layers/2/weight/1") for a malformed network and
    /// `.limitExceeded` naming the `EngineLimits` property for one too large.
    public convenience init(
        _ network: NetworkFunction, withRespectTo variable: DifferentiationVariable = .input,
        limits: EngineLimits = EngineLimits()
    ) throws(EngineError) {
        let program = try NetworkProgram.compile(network, variable: variable, limits: limits)
        self.init(program: program, inputNames: (0..<program.inputCount).map { "x[\($0)]" })
    }
}
