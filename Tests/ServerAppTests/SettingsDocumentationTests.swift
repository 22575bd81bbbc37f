import Foundation
import Testing

@testable import ServerApp

/// docs/OPERATIONS.md's settings table is what the settings' declarations produce (issue #12).
@Suite struct SettingsDocumentationTests {
    static let operations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/OPERATIONS.md")

    /// The text between the document's `settings-table` markers.
    static func documentedTable() throws -> String {
        let text = try String(contentsOf: operations, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- settings-table:begin -->\n"))
        let end = try #require(text.range(of: "\n<!-- settings-table:end -->", range: begin.upperBound..<text.endIndex))
        return String(text[begin.upperBound..<end.lowerBound])
    }

    @Test func theOperationsGuideShowsTheDeclaredSettings() throws {
        let documented = try Self.documentedTable()
        let generated = SettingsDocumentation.markdownTable
        #expect(documented == generated, "docs/OPERATIONS.md is stale: run scripts/update-settings-doc.sh")
    }

    @Test func printSettingsMarkdownPrintsTheTable() throws {
        guard case .exit(let code, let message) = ServiceCommandLine.outcome(
            arguments: ["--print-settings-markdown"], environment: [:])
        else {
            Issue.record("expected the table and exit 0")
            return
        }
        #expect(code == 0)
        #expect(message == SettingsDocumentation.markdownTable)
        // One row per setting, with its documented default: the same text --help shows.
        for setting in Setting.all {
            #expect(message.contains("| `\(setting.flag)` | `\(setting.variable)` |"))
            #expect(message.contains(setting.defaultValue))
        }
    }
}
