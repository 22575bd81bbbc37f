import JacobianEngine

/// A request's `function`, compiled: found in the engine's cache by its canonical form (one pass over the JSON,
/// no decoding) when it was seen before, otherwise read strictly and compiled, and cached under that form.
enum RequestFunction {
    static func compile(
        _ value: JSONValue, at pointer: String, withRespectTo variable: DifferentiationVariable = .input,
        engine: JacobianEngine
    ) throws(Problem) -> CompiledFunction {
        let key = CanonicalJSON.key(value)
        if let cached = engine.cachedFunction(for: key, withRespectTo: variable) { return cached }
        let spec = try FunctionReader.read(value, at: pointer)
        do {
            return try engine.compile(spec, withRespectTo: variable, cachingUnder: key)
        } catch {
            // Compiling involves no point, so every error points into the function.
            throw EngineProblems.problem(from: error, functionPointer: pointer, pointPointer: { _ in pointer })
        }
    }
}
