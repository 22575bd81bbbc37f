import Foundation

/// The tutorial's examples recomputed with PyTorch in float64: Tests/Fixtures/expected.json.
enum Fixture {
    // Read-only after first use; JSONSerialization's Any is not Sendable.
    nonisolated(unsafe) static let cases: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/expected.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static func entry(_ name: String) -> [String: Any] { cases[name] as! [String: Any] }

    static func vector(_ name: String, _ key: String) -> [Double] {
        (entry(name)[key] as! [NSNumber]).map(\.doubleValue)
    }

    static func matrix(_ name: String, _ key: String) -> [[Double]] {
        (entry(name)[key] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
    }
}
