import HTTPServer
import TestSupport
import Testing

@Suite struct SmokeTests {
    @Test func helloRoundTrip() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/hello"))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == #"{"message":"hello"}"#)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("Date") != nil)
        }
    }
}
