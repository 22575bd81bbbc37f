/// Client-sent text (a method name, a target) quoted back in an error response or a log line.
///
/// A method may be any token and a target up to `maxRequestTargetLength` (8 KiB) long: echoed whole, a
/// 10,000-character method name comes back in the response and fills the log line. Everything echoed goes
/// through `Echo.cut`, which keeps the start, enough to recognise the request.
public enum Echo {
    /// Characters kept; the rest is replaced by `…`.
    public static let maxLength = 64

    /// `text`, cut to `maxLength` characters with `…` when longer.
    public static func cut(_ text: some StringProtocol) -> String {
        text.count <= maxLength ? String(text) : text.prefix(maxLength) + "…"
    }
}
