import FuzzSupport
import JacobianAPI

/// The API's JSON parser over arbitrary bytes. A document it accepts must survive a round trip: written
/// by `JSONWriter` and parsed again, it is the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    let parser = JSONParser()
    guard let value = try? parser.parse(bytes) else { return 0 }
    let written = JSONWriter.bytes(value)
    do {
        let again = try parser.parse(written)
        if again != value { fatalError("round trip changed the value: \(String(decoding: written, as: UTF8.self))") }
    } catch {
        fatalError("the writer's output does not parse: \(error) in \(String(decoding: written, as: UTF8.self))")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzJSON_main")
public func FuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzJSON)
}
