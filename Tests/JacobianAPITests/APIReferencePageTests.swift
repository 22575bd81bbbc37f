import Testing
@testable import JacobianAPI

/// The /docs renderer: document text is always text, references become links, and a document it cannot read is
/// still shown, as text.
@Suite struct APIReferencePageTests {
    static let hostile = """
        openapi: 3.1.0
        info:
          title: "<script>alert('t')</script> & co"
          version: '1'
          description: |
            A **bold** `<b>code</b>` and <img src=x onerror=alert(1)> & "quotes".
        paths:
          /v1/x:
            post:
              summary: Posts <iframe>
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Thing'}
                    examples:
                      one: {summary: it's, value: {name: "</pre><script>"}}
              responses:
                '200':
                  description: OK
        components:
          schemas:
            Thing:
              type: object
              required: [name]
              properties:
                name: {type: string, description: '<svg onload=alert(1)>'}
        """

    @Test func documentTextIsNeverMarkup() {
        let html = APIReferencePage.render(yaml: Self.hostile)
        for markup in ["<script", "<img", "<iframe", "<svg", "<b>"] {
            #expect(!html.contains(markup), "\(markup) reached the page as markup")
        }
        #expect(html.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; co"))
        #expect(html.contains("<strong>bold</strong> <code>&lt;b&gt;code&lt;/b&gt;</code>"))
        #expect(html.contains("&lt;svg onload=alert(1)&gt;"))
        // The example as JSON and as a curl command, both escaped.
        #expect(html.contains("&quot;name&quot;: &quot;&lt;/pre&gt;&lt;script&gt;&quot;"))
        #expect(html.contains("curl -s --json &#39;{&quot;name&quot;:"))
    }

    @Test func referencesLinkToTheirSchemas() {
        let html = APIReferencePage.render(yaml: Self.hostile)
        #expect(html.contains("<a href=\"#schema-Thing\">Thing</a>"))
        #expect(html.contains("id=\"schema-Thing\""))
        #expect(html.contains("id=\"op-post-v1-x\""))
        #expect(html.contains("<code>name</code><span class=\"note\"> required</span>"))
    }

    @Test func aDocumentOutsideTheSubsetIsShownAsText() {
        let html = APIReferencePage.render(yaml: "a: &anchor <b>1</b>\n")
        #expect(html.contains("could not lay out openapi.yaml (line 1: anchors, aliases and tags are not supported)"))
        #expect(html.contains("<pre>a: &amp;anchor &lt;b&gt;1&lt;/b&gt;\n</pre>"))
    }

    @Test func anchorsAreStableSlugs() {
        #expect(APIReferencePage.anchor(method: "get", path: "/") == "op-get-root")
        #expect(APIReferencePage.anchor(method: "post", path: "/v1/jacobian") == "op-post-v1-jacobian")
        #expect(APIReferencePage.anchor(method: "get", path: "/openapi.yaml") == "op-get-openapi-yaml")
    }
}
