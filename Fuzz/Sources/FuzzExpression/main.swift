import FuzzSupport
import JacobianEngine

/// The expression parser, compiler and both differentiation sweeps. The input is text: the first line declares
/// the inputs (`x, v[3], t`), each further line is an output, or a definition when it starts with `def `
/// (`def r = hypot(x, t)`). A function that compiles is evaluated, and differentiated forward and in reverse,
/// at a point derived from the input; errors are expected, crashes and hangs are not.
private let engine = JacobianEngine(cacheCapacity: 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    var lines = input.text.split(separator: "\n", omittingEmptySubsequences: false)
    guard !lines.isEmpty else { return 0 }
    let inputs = lines.removeFirst().split(separator: ",").map(declaration)
    var outputs: [String] = []
    var definitions: [String] = []
    for line in lines {
        if line.hasPrefix("def ") { definitions.append(String(line.dropFirst(4))) } else { outputs.append(String(line)) }
    }
    let function = ExpressionFunction(inputs: inputs, outputs: outputs, constants: ["g": 9.81], definitions: definitions)
    guard let compiled = try? engine.compile(.expression(function)) else { return 0 }
    let point = input.point(count: compiled.inputCount)
    _ = try? compiled.evaluate(at: point)
    _ = try? compiled.jacobian(at: point, mode: .forward)
    _ = try? compiled.jacobian(at: point, mode: .reverse)
    _ = try? compiled.jacobian(at: point, mode: .auto)
    return 0
}

/// `name` or `name[size]`; a malformed size keeps the whole text as a (bad) scalar name for the compiler to reject.
private func declaration(_ text: Substring) -> InputDeclaration {
    let trimmed = text.trimmingCharacters(in: " ")
    if trimmed.hasSuffix("]"), let open = trimmed.firstIndex(of: "["),
       let size = Int(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]) {
        return .vector(name: String(trimmed[..<open]), size: size)
    }
    return .scalar(String(trimmed))
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var result = self
        while result.first == character { result.removeFirst() }
        while result.last == character { result.removeLast() }
        return result
    }
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzExpression_main")
public func FuzzExpressionMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzExpression)
}
