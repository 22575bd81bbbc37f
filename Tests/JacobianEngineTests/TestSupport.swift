import Foundation
import Testing
@testable import JacobianEngine

/// Compiles an expression function from its parts.
func compile(
    _ inputs: [InputDeclaration], _ outputs: [String], constants: [String: Double] = [:],
    definitions: [String] = [], limits: EngineLimits = EngineLimits()
) throws(EngineError) -> CompiledFunction {
    try CompiledFunction(
        ExpressionFunction(inputs: inputs, outputs: outputs, constants: constants, definitions: definitions),
        limits: limits)
}

/// The error a throwing call reports, or nil if it succeeds.
func engineError<T>(_ body: () throws -> T) -> EngineError? {
    do {
        _ = try body()
        return nil
    } catch let error as EngineError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Whether `a` and `b` agree to `tolerance` relative to the larger magnitude (absolute near zero).
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    Swift.abs(a - b) <= tolerance * max(1, Swift.abs(a), Swift.abs(b))
}

/// Whether two arrays agree entry by entry.
func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance) }
}

/// The expression program inside a compiled function, for white-box checks.
func program(of function: CompiledFunction) -> ExpressionProgram {
    function.program as! ExpressionProgram
}
