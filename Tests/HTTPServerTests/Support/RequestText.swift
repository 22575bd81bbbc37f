/// A GET request with Host, for brevity; `extra` is more header lines, each ending in CRLF.
func get(_ target: String, _ extra: String = "") -> String {
    "GET \(target) HTTP/1.1\r\nHost: localhost\r\n\(extra)\r\n"
}
