import Foundation
import FuzzSupport
import JacobianEngine

/// Network specifications: the input is a function specification in JSON (`{"type": "network", "layers":
/// [...]}`; expression specifications decode too), decoded through the engine's `Codable` form, compiled with
/// respect to the inputs and to the parameters, and differentiated at a point derived from the input.
private let engine = JacobianEngine(cacheCapacity: 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetwork(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    guard let spec = try? JSONDecoder().decode(FunctionSpec.self, from: Data(input.bytes)) else { return 0 }
    for variable in [DifferentiationVariable.input, .parameters] {
        guard let compiled = try? engine.compile(spec, withRespectTo: variable) else { continue }
        let point = input.point(count: compiled.inputCount)
        _ = try? compiled.evaluate(at: point)
        _ = try? compiled.jacobian(at: point, mode: .forward)
        _ = try? compiled.jacobian(at: point, mode: .reverse)
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzNetwork_main")
public func FuzzNetworkMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzNetwork)
}
