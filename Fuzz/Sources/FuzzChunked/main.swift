import FuzzSupport
import HTTPServer

/// The chunked-body decoder over arbitrary bytes (what follows a head with `Transfer-Encoding: chunked`):
/// whole and split at points derived from the input must decode the same chunks, body and remainder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunked(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let limits = input.seed & 1 == 0
        ? HTTPLimits()
        : HTTPLimits(maxHeaderSectionBytes: 128, maxBodyBytes: 300)
    let whole = HTTPParsingProbe.chunkedEvents([input.bytes], limits: limits)
    let split = HTTPParsingProbe.chunkedEvents(input.pieces(), limits: limits)
    fuzzCheck(whole == split, "split input decoded differently:\n\(whole)\nvs\n\(split)")
    return 0
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzChunked_main")
public func FuzzChunkedMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzChunked)
}
