import CFuzzerDriver

/// A fuzz target's test: libFuzzer's `LLVMFuzzerTestOneInput` signature.
public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer on `test` with the process's arguments; what each target's `<Target>_main` returns.
///
/// SwiftPM links an executable with `--defsym main=<Target>_main` (so that tests can link executables), and
/// `-parse-as-library` (needed so that Swift emits no `main` of its own) leaves that symbol undefined: each target
/// defines it with `@_cdecl` and hands over to libFuzzer's driver here, which parses the libFuzzer options.
public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: FuzzTest
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, test)
}
