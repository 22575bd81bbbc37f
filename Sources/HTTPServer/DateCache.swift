#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Synchronization

/// The `Date` header value (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once per second for all
/// connections instead of once per response.
final class DateCache: Sendable {
    private let cached = Mutex<(second: Int, bytes: [UInt8])>((-1, []))

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for the current second.
    func current() -> [UInt8] {
        let now = time(nil)
        return cached.withLock { cache in
            if cache.second != now {
                cache = (now, Self.format(now))
            }
            return cache.bytes
        }
    }

    static func format(_ seconds: Int) -> [UInt8] {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text = "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        return Array(text.utf8)
    }
}
