/// "Did you mean ...?" for misspelt names: the closest candidate by edit distance, if it is close enough to be a
/// likely typo (one edit for short names, two for longer ones, never as many edits as the longer name has letters),
/// or a candidate equal up to letter case. Public so that the API suggests request fields by the same rule.
public enum Suggestion {
    /// The best candidate for `name`, or nil. Ties go to the alphabetically first candidate, for stable messages.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        // Long identifiers cannot be typos of short built-in names; skipping them keeps this O(candidates).
        guard name.utf8.count <= 64 else { return nil }
        let lowered = name.lowercased()
        var best: (distance: Int, candidate: String)?
        for candidate in candidates where candidate != name {
            if candidate.lowercased() == lowered { return candidate }
            let lengths = (name.utf8.count, candidate.utf8.count)
            let allowed = max(lengths.0, lengths.1) <= 3 ? 1 : 2
            guard abs(lengths.0 - lengths.1) <= allowed else { continue }
            let distance = editDistance(Array(name.utf8), Array(candidate.utf8))
            guard distance <= allowed, distance < max(lengths.0, lengths.1) else { continue }
            // Among equally close candidates prefer the longest shared prefix ('sinn' → 'sin', not 'sign'), then
            // alphabetical order.
            let prefix = sharedPrefixLength(name, candidate)
            if let current = best {
                let currentPrefix = sharedPrefixLength(name, current.candidate)
                guard distance < current.distance
                    || (distance == current.distance && (prefix > currentPrefix
                        || (prefix == currentPrefix && candidate < current.candidate))) else { continue }
            }
            best = (distance, candidate)
        }
        return best?.candidate
    }

    private static func sharedPrefixLength(_ a: String, _ b: String) -> Int {
        zip(a.utf8, b.utf8).prefix { $0 == $1 }.count
    }

    /// "; did you mean 'sin'?" or "".
    static func clause(for name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein distance with one rolling row.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
