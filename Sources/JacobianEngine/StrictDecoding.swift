/// Strict `Decodable` conformances: a member the type does not know is an error, not silently ignored, so that a
/// misspelt `negative_slop` cannot quietly fall back to a default (Foundation's decoders never look for extras).
extension Decoder {
    /// Throws `DecodingError.dataCorrupted`, pointing at the first member of this object not in `allowed`.
    func refuseUnknownKeys(allowed: [String]) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            var message = "unknown field '\(key.stringValue)'"
            if let suggestion = Suggestion.closest(to: key.stringValue, among: allowed) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: codingPath + [key], debugDescription: message))
        }
    }
}

/// Any member name or array position, for coding paths such as `layers/2/weight`.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}
