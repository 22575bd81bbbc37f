import Foundation
import Testing
import Solvers

/// The inputs FuzzURDF (Fuzz/, docs/RELIABILITY.md) found, replayed through its entry point: the first line names
/// the base and tip links, the rest is the document. Each must be refused with a `/urdf` error, not crash.
@Suite("URDF fuzz regressions")
struct URDFFuzzRegressionTests {
    @Test func foundInputsAreRefusedCleanly() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Regressions/FuzzURDF")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        #expect(!files.isEmpty)
        for file in files {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            let newline = try #require(text.firstIndex(of: "\n"))
            let names = text[..<newline].split(separator: " ").map(String.init)
            // A malformed document (XMLParser reports it and, in swift-corelibs-foundation, leaks its error:
            // scripts/lsan-suppressions.txt) or one XMLParser would crash on: a problem at /urdf either way.
            #expect(throws: SolverInputError<KinematicsInput>.self) {
                try URDFArm(urdf: String(text[text.index(after: newline)...]), base: names[0], tip: names[1])
            }
        }
    }

    /// FuzzURDF: `<?target?>` made FoundationXML call strlen(NULL) and killed the process; processing instructions
    /// are refused before the document reaches XMLParser, and the XML declaration still passes.
    @Test func processingInstructionsAreRefusedBeforeXMLParserSeesThem() throws {
        for document in [#"<robot name="r"><?pi?><link name="a"/></robot>"#,
                         #"<?xml version="1.0"?><robot name="r"><?pi data?></robot>"#, "<?pi?><robot/>",
                         // A combining mark after "<?" makes one character of "?" for Swift, not for libxml2.
                         "<robot name=\"r\"><?\u{595}pi?></robot>", "<?\u{595}x?><robot/>",
                         // An unclosed declaration ends at the next "?>", which closes a processing instruction.
                         "<?xml version=\"1.0\"\n<?pi?><robot/>"] {
            let error = try #require(throws: SolverInputError<KinematicsInput>.self) { try URDFArm(urdf: document, base: "a", tip: "a") }
            #expect(error.location == .urdf)
            #expect(error.message.contains("processing instruction"))
        }
        for declared in [#"<?xml version="1.0"?><robot name="r"><link name="a"/></robot>"#,
                         "\u{FEFF}" + #"<?xml version="1.0"?><robot name="r"><link name="a"/></robot>"#] {
            let error = try #require(throws: SolverInputError<KinematicsInput>.self) { try URDFArm(urdf: declared, base: "a", tip: "b") }
            #expect(!error.message.contains("processing instruction"), "\(error.message)")
        }
    }
}
