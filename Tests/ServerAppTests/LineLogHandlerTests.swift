import Foundation
import Logging
import Testing

@testable import ServerApp

/// The shape of log lines: one per event, fields escaped, metadata sorted, the level honoured.
@Suite struct LineLogHandlerTests {
    private let handler = LineLogHandler(label: "svc", level: .info, format: .logfmt, sink: LogSink { _ in })

    @Test func logfmtPutsTheFixedFieldsFirstAndSortsMetadata() {
        let line = handler.line(
            level: .info, message: "hello", fields: ["zeta": "1", "alpha": "two words"], timestamp: "T")
        #expect(line == #"ts=T level=info logger=svc msg=hello alpha="two words" zeta=1"#)
    }

    @Test func logfmtEscapesQuotesBackslashesAndNewlinesOnOneLine() {
        let line = handler.line(
            level: .error, message: "line1\nline2", fields: ["path": "/a=\"b\"\\c"], timestamp: "T")
        #expect(line == #"ts=T level=error logger=svc msg="line1\nline2" path="/a=\"b\"\\c""#)
        #expect(!line.contains("\n"))
    }

    @Test func emptyValuesAndOddKeysStayParseable() {
        let line = handler.line(level: .info, message: "", fields: ["a key": ""], timestamp: "T")
        #expect(line == #"ts=T level=info logger=svc msg="" a_key="""#)
    }

    @Test func jsonLinesParseAsObjects() throws {
        let json = LineLogHandler(label: "svc", level: .info, format: .json, sink: LogSink { _ in })
        let line = json.line(
            level: .warning, message: "tab\there \u{1}", fields: ["n": .stringConvertible(3), "s": "x\"y"],
            timestamp: "2026-01-01T00:00:00.000Z")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["msg"] as? String == "tab\there \u{1}")
        #expect(object["n"] as? Int == 3)
        #expect(object["s"] as? String == "x\"y")
        #expect(object["logger"] as? String == "svc")
    }

    @Test func eventsBelowTheLevelAreDroppedAndErrorsAreIncluded() {
        let log = CapturedLog()
        var logger = log.logger(level: .notice)
        logger[metadataKey: "replica"] = "r1"
        logger.info("hidden")
        logger.notice("shown", metadata: ["k": "v"])
        #expect(log.lines.count == 1)
        #expect(log.lines.first?.contains("msg=shown") == true)
        #expect(log.lines.first?.contains("k=v replica=r1") == true)
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(utcTimestamp().range(
            of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
    }
}
