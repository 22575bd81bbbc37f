import Foundation
import TestSupport
import Testing
@testable import JacobianAPI

/// Runs every `curl` example in README.md against a live server and compares the answer with the JSON printed
/// beneath it, so that the README cannot drift from what the service does.
///
/// An example is a ```sh block whose command starts with `curl` and targets http://localhost:8080, immediately
/// followed by a ```json block holding the answer.
@Suite struct ReadmeExamplesTests {
    struct Example: CustomStringConvertible {
        var command: String
        var answer: String
        var description: String { String(command.prefix(80)) }
    }

    /// The repository root: README.md, and the example bodies the commands read with `@docs/examples/...`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let examples: [Example] = {
        let url = root.appendingPathComponent("README.md")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let blocks = text.components(separatedBy: "```")
        var examples: [Example] = []
        // Fenced blocks are the odd-numbered pieces; each starts with its info string.
        var index = 1
        while index + 2 < blocks.count {
            let block = blocks[index]
            let next = blocks[index + 2]
            if block.hasPrefix("sh\n"), next.hasPrefix("json\n") {
                let command = String(block.dropFirst(3)).trimmingCharacters(in: .whitespacesAndNewlines)
                if command.hasPrefix("curl"), command.contains("localhost:8080") {
                    examples.append(Example(command: command, answer: String(next.dropFirst(5))))
                }
            }
            index += 2
        }
        return examples
    }()

    @Test func theReadmeHasExamples() {
        #expect(Self.examples.count >= 12, "found \(Self.examples.count) curl examples in README.md")
    }

    @Test(arguments: examples)
    func exampleGivesThePrintedAnswer(example: Example) throws {
        let port = LiveServer.shared.port
        let command = example.command.replacingOccurrences(of: "localhost:8080", with: "127.0.0.1:\(port)")
        let result = try runProcess("/bin/sh", ["-c", command], in: Self.root, timeout: 30)
        #expect(result.status == 0, "curl failed: \(command)")
        let actual = try JSONParser().parse(Array(result.stdout.utf8))
        let expected = try JSONParser().parse(Array(example.answer.utf8))
        #expect(matches(actual, expected), "README answer differs from the server's:\n\(result.stdout)")
    }

    /// Structural equality with numbers compared to 1e-12 relative, and absolute below 1 (`close`): the README
    /// prints what the server printed with one LAPACK, and another (OpenBLAS) rounds differently, so a residual of
    /// 4.57e-14 may come out as 4.53e-14. The scale of these examples is 1 (link lengths, points), hence the floor.
    func matches(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return close(x, y)
        case (.string(let x), .string(let y)): return sameSentence(x, y)
        case (.array(let xs), .array(let ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy(matches)
        case (.object(let x), .object(let y)):
            return x.keys == y.keys && x.members.allSatisfy { member in y[member.key].map { matches(member.value, $0) } ?? false }
        default: return a == b
        }
    }

    /// Strings compared as sentences: the same words, and the numbers they embed compared as numbers, since a
    /// message such as "Converged: position error 4.380462289966916e-13, …" prints a full-precision residual.
    func sameSentence(_ a: String, _ b: String) -> Bool {
        let number = /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/
        let numbersA = a.matches(of: number).compactMap { Double($0.output.0) }
        let numbersB = b.matches(of: number).compactMap { Double($0.output.0) }
        return a.replacing(number, with: "#") == b.replacing(number, with: "#")
            && numbersA.count == numbersB.count && zip(numbersA, numbersB).allSatisfy { close($0, $1) }
    }
}
