import FuzzSupport
import HTTPServer

/// The HTTP/1.1 request parser over arbitrary bytes, pipelined requests included: whole, split at points
/// derived from the input, and one byte at a time must give the same events (heads, requests, and
/// whether it ends in an error), under the default limits and under small ones that the fuzzer can reach.
///
/// The error's status may differ: with two faults in one header section (a bare LF far behind a request target
/// already over its limit), a connection reading slowly meets one first and a fast one the other.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let limits = input.seed & 1 == 0
        ? HTTPLimits()
        : HTTPLimits(maxRequestTargetLength: 64, maxHeaderSectionBytes: 256, maxHeaderCount: 6, maxBodyBytes: 512)
    let whole = events([input.bytes], limits)
    let split = events(input.pieces(), limits)
    fuzzCheck(whole == split, "split input parsed differently:\n\(whole)\nvs\n\(split)")
    if count <= 4096 {
        let bytewise = events(input.bytewise(), limits)
        fuzzCheck(whole == bytewise, "bytewise input parsed differently:\n\(whole)\nvs\n\(bytewise)")
    }
    return 0
}

/// The parser's events, an error's status left out.
private func events<Piece: Collection<UInt8>>(_ pieces: [Piece], _ limits: HTTPLimits) -> [String] {
    HTTPParsingProbe.requestEvents(pieces, limits: limits).map { $0.hasPrefix("error") ? "error" : $0 }
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzHTTP1_main")
public func FuzzHTTP1Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzHTTP1)
}
