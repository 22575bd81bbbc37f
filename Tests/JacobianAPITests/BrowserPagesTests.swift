import Foundation
import Testing
@testable import JacobianAPI

/// GET / negotiates between the text and the playground, /docs renders openapi.yaml, and every page carries a
/// strict Content-Security-Policy. (What the pages do in a browser is scripts/browser-test.py's job.)
@Suite struct BrowserPagesTests {
    let server = LiveServer.shared
    static let browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test(arguments: [nil, "*/*", "text/plain", "application/json", "text/html;q=0.5, text/plain"])
    func nonBrowsersKeepTheText(accept: String?) throws {
        let response = try server.request("GET", "/", headers: accept.map { [("Accept", $0)] } ?? [])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.header("Vary") == "Accept")
        #expect(response.text.contains("curl --json"))
    }

    @Test(arguments: [browserAccept, "text/html"])
    func browsersGetThePlayground(accept: String) throws {
        let response = try server.request("GET", "/", headers: [("Accept", accept)])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        #expect(response.header("Vary") == "Accept")
        let onDisk = try Data(contentsOf: Self.repository.appendingPathComponent("Sources/JacobianAPI/Resources/playground.html"))
        #expect(response.body == Array(onDisk))
        for id in ["jacobian-outputs", "jacobian-inputs", "jacobian-point", "jacobian-compute", "jacobian-table",
                   "jacobian-error", "newton-compute", "newton-table", "ik-compute", "ik-table"] {
            #expect(response.text.contains("id=\"\(id)\""), "missing #\(id)")
        }
    }

    @Test func thePlaygroundsPolicyAllowsOnlyItsOwnFiles() throws {
        let response = try server.request("GET", "/", headers: [("Accept", "text/html")])
        let policy = try #require(response.header("Content-Security-Policy"))
        let directives = Dictionary(uniqueKeysWithValues: policy.split(separator: ";").map { directive in
            let parts = directive.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        })
        #expect(directives["default-src"] == "'none'")
        #expect(directives["script-src"] == "'self'")
        #expect(directives["style-src"] == "'self'")
        #expect(directives["connect-src"] == "'self'")
        #expect(directives["require-trusted-types-for"] == "'script'")
        #expect(!policy.contains("unsafe") && !policy.contains("http") && !policy.contains("*") && !policy.contains("data:"))
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        // No inline script or style in the page: its only script and sheet are files of this server.
        #expect(!response.text.contains("<script>") && !response.text.contains("<style") && !response.text.contains(" style="))
        #expect(!response.text.contains("http://") && !response.text.contains("https://"))
    }

    @Test(arguments: [("/playground/playground.js", "text/javascript; charset=utf-8", "playground.js"),
                      ("/playground/playground.css", "text/css; charset=utf-8", "playground.css")])
    func assetsAreTheFilesInTheRepository(path: String, type: String, file: String) throws {
        let response = try server.request("GET", path, headers: [])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == type)
        #expect(response.header("Content-Security-Policy") != nil)
        let onDisk = try Data(contentsOf: Self.repository.appendingPathComponent("Sources/JacobianAPI/Resources/" + file))
        #expect(response.body == Array(onDisk))
    }

    @Test func docsRenderEveryOperationWithoutScript() throws {
        let response = try server.request("GET", "/docs", headers: [("Accept", Self.browserAccept)])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        let policy = try #require(response.header("Content-Security-Policy"))
        #expect(!policy.contains("script-src") && policy.contains("default-src 'none'"))
        #expect(!response.text.contains("<script"))
        #expect(!response.text.contains("could not lay out"), "openapi.yaml left the YAML subset the page reads")
        for anchor in ["op-post-v1-jacobian", "op-post-v1-newton", "op-post-v1-ik", "op-get-root", "op-get-docs",
                       "schema-JacobianRequest", "schema-IKResponse", "schema-Problem"] {
            #expect(response.text.contains("id=\"\(anchor)\""), "missing #\(anchor)")
        }
    }

    @Test func docsNameEveryPathOfTheDocument() throws {
        let yaml = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
        let page = APIReferencePage(document: try YAMLSubset.parse(yaml))
        let paths = yaml.split(separator: "\n").filter { $0.hasPrefix("  /") && $0.hasSuffix(":") }
            .map { String($0.dropFirst(2).dropLast()) }
        #expect(!paths.isEmpty)
        #expect(Set(page.allOperations.map(\.path)) == Set(paths))
        let html = page.html()
        for path in paths {
            #expect(html.contains(HTMLWriter.escaped(path)))
        }
    }
}
