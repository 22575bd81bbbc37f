import FuzzSupport
import Solvers

/// URDF documents, as the IK endpoint reads them: the first line names the base and tip links (`base tip`), the
/// rest is the document. A chain that is read is run through forward kinematics and its Jacobian at joint angles
/// derived from the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURDF(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let text = input.text
    guard let newline = text.firstIndex(of: "\n") else { return 0 }
    let names = text[..<newline].split(separator: " ", maxSplits: 1).map(String.init)
    guard names.count == 2 else { return 0 }
    guard let arm = try? URDFArm(urdf: String(text[text.index(after: newline)...]), base: names[0], tip: names[1])
    else { return 0 }
    let angles = input.point(count: arm.jointNames.count)
    _ = try? arm.chain.forwardKinematics(angles)
    _ = try? arm.chain.jacobian(angles)
    _ = try? arm.chain.jointPositions(angles)
    return 0
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzURDF_main")
public func FuzzURDFMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzURDF)
}
