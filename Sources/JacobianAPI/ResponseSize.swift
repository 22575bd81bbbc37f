/// The size of an answer, estimated from the request before any work, so that a small request cannot make the
/// server compute and hold a huge one (issue #19: an 80 KB network request answered with 80 MB, a 6.7 KB Newton
/// request with 115 MB). Estimates count the numbers the answer will hold; each is written as at most
/// `bytesPerNumber` bytes of JSON.
enum ResponseSize {
    /// `-1.2345678901234567e-123,`: the longest shortest-round-trip double, with its separator.
    static let bytesPerNumber = 25

    /// Refuses an answer of `factors` multiplied numbers (overflow included) past `limit` bytes: 422 naming
    /// `maxResponseBytes` at `pointer`, the field that makes the answer large.
    static func check(_ factors: [Int], of what: String, at pointer: String, limit: Int) throws(Problem) {
        var numbers = 1, overflow = false
        for factor in factors where !overflow { (numbers, overflow) = numbers.multipliedReportingOverflow(by: max(0, factor)) }
        var bytes = 0
        if !overflow { (bytes, overflow) = numbers.multipliedReportingOverflow(by: bytesPerNumber) }
        guard overflow || bytes > limit else { return }
        let size = overflow ? "more numbers than can be counted" : "\(numbers) numbers (about \(bytes) bytes)"
        let message = "\(what) would hold \(size), more than the limit maxResponseBytes (\(limit) bytes); "
            + "ask for less in one request"
        throw Problem(.limitExceeded, detail: message, errors: [.init(pointer: pointer, detail: message)],
                      extensions: [("limit", .string("maxResponseBytes"))])
    }
}
