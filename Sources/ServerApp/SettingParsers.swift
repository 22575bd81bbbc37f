/// A setting's text could not be used. The message names where the text came from and what was expected:
/// `invalid value '70000' for --port: expected an integer from 0 to 65535`.
struct SettingError: Error, CustomStringConvertible {
    /// The complete sentence shown to the user.
    let description: String

    init(text: String, source: String, expected: String) {
        let shown = text.count > 64 ? String(text.prefix(64)) + "..." : text
        description = "invalid value '\(shown)' for \(source): expected \(expected)"
    }

    /// A sentence of its own (an unknown flag, a flag without its value).
    init(_ description: String) {
        self.description = description
    }
}

/// Reads and writes one kind of setting as text, the same way for flags and environment variables, and says what
/// it accepts in the words of error messages, `--help` and docs/OPERATIONS.md.
struct SettingParser<Value> {
    /// What a valid value looks like, completing "expected ...": `an integer from 0 to 65535`.
    let expectation: String
    /// The same, short, for the settings table: `0–65535`.
    let accepted: String
    /// The value's name in `--help`: `--port <integer>`.
    let placeholder: String
    /// The value, or nil when the text is not valid.
    let parse: (String) -> Value?
    /// A value as a user would type it (how defaults are shown).
    let format: (Value) -> String

    /// Whole numbers in `range`.
    static func integer(in range: ClosedRange<Int>) -> SettingParser<Int> where Value == Int {
        SettingParser<Int>(
            expectation: "an integer from \(range.lowerBound) to \(range.upperBound)",
            accepted: "\(grouped(range.lowerBound))–\(grouped(range.upperBound))", placeholder: "integer",
            parse: { text in
                guard let value = Int(text), range.contains(value) else { return nil }
                return value
            },
            format: { "\($0)" })
    }

    /// A number of bytes in `range`: parsed as `integer(in:)`, documented in binary units (`16777216 (16 MiB)`).
    static func bytes(in range: ClosedRange<Int>) -> SettingParser<Int> where Value == Int {
        let integer = SettingParser<Int>.integer(in: range)
        return SettingParser<Int>(
            expectation: integer.expectation,
            accepted: "\(binaryUnits(range.lowerBound))–\(binaryUnits(range.upperBound))", placeholder: "bytes",
            parse: integer.parse,
            format: { value in value >= 1024 ? "\(value) (\(binaryUnits(value)))" : "\(value)" })
    }

    /// A number of seconds, decimals allowed, in `range` (and finite: `inf` and `nan` are refused).
    static func seconds(in range: ClosedRange<Double>) -> SettingParser<Duration> where Value == Duration {
        let low = SecondsParser.format(.milliseconds(Int64(range.lowerBound * 1000)))
        let high = SecondsParser.format(.milliseconds(Int64(range.upperBound * 1000)))
        return SettingParser<Duration>(
            expectation: "a number of seconds from \(low) to \(high)", accepted: "\(low)–\(high) s",
            placeholder: "seconds", parse: { text in SecondsParser.parse(text, in: range) }, format: SecondsParser.format)
    }

    /// One of the cases of a string enumeration, case-insensitively.
    static func oneOf(_ cases: [Value]) -> SettingParser<Value> where Value: RawRepresentable, Value.RawValue == String {
        let names = cases.map(\.rawValue)
        let listed = names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        return SettingParser(
            expectation: "one of \(listed)", accepted: names.joined(separator: ", "), placeholder: names.joined(separator: "|"),
            parse: { text in cases.first { $0.rawValue == text.lowercased() } }, format: \.rawValue)
    }

    /// A feature turned `on` or `off`, case-insensitively.
    static var onOff: SettingParser<Bool> {
        SettingParser<Bool>(
            expectation: "one of on or off", accepted: "on, off", placeholder: "on|off",
            parse: { text in ["on": true, "off": false][text.lowercased()] }, format: { $0 ? "on" : "off" })
    }

    /// A directory path, not checked here (the service reports an unreadable directory at start, naming it).
    static var directory: SettingParser<String?> {
        SettingParser<String?>(
            expectation: "a directory path", accepted: "a directory", placeholder: "directory",
            parse: { text in text.utf8.count <= 4096 ? text : nil }, format: { $0 ?? "none" })
    }

    /// A host name or address: 1 to 253 visible ASCII characters.
    static var host: SettingParser<String> {
        SettingParser<String>(
            expectation: "a host name or an IP address", accepted: "host name or IP literal", placeholder: "host",
            parse: { text in
                let valid = (1...253).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
                return valid ? text : nil
            },
            format: { $0 })
    }

    /// `1000000` as `1,000,000`: ranges are read by people.
    private static func grouped(_ value: Int) -> String {
        var digits = String(value.magnitude)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    /// `16 MiB` for a whole number of a binary unit, else `N B`.
    private static func binaryUnits(_ value: Int) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")]
        where value >= 1 << shift && value % (1 << shift) == 0 {
            return "\(value >> shift) \(unit)"
        }
        return "\(grouped(value)) B"
    }
}

/// Seconds as text, both ways.
enum SecondsParser {
    /// `text` as a duration (millisecond precision) if it is a finite number of seconds within `range`.
    static func parse(_ text: String, in range: ClosedRange<Double>) -> Duration? {
        guard let seconds = Double(text), seconds.isFinite, range.contains(seconds) else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// `2`, `0.5`, `2.25`: the shortest decimal form of a duration in seconds.
    static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        let whole = milliseconds / 1000, fraction = milliseconds % 1000
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
