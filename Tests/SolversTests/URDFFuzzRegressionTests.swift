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
            // A malformed document: XMLParser reports it (and, in swift-corelibs-foundation, leaks its error;
            // scripts/lsan-suppressions.txt), the reader turns it into a problem at /urdf.
            #expect(throws: SolverInputError.self) {
                try URDFArm(urdf: String(text[text.index(after: newline)...]), base: names[0], tip: names[1])
            }
        }
    }
}
