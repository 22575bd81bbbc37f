#!/usr/bin/env python3
"""Writes the seed corpora (Fuzz/Corpus/<target>/) from the tests' inputs: HTTP/1.1 requests of the parser tests,
request bodies written in the API tests and docs/examples, the tutorial's functions (Tests/Fixtures/expected.json),
the URDF fixtures, and HTTP/2 frames built here. Run from the repository root; the output is committed, so this
only needs running again when the tests gain new kinds of input."""
import glob, hashlib, json, os, re, struct, warnings

warnings.simplefilter("ignore", DeprecationWarning)  # "\(" in Swift interpolations is not a Python escape.

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fuzz", "Corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    directory = os.path.join(OUT, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def swift_literals(paths):
    """String literals of Swift sources, escapes decoded (raw strings #"..."# kept as written)."""
    for path in paths:
        text = open(path).read()
        for raw in re.findall(r'#"(.*?)"#', text):
            yield raw
        for plain in re.findall(r'(?<![#\\])"((?:[^"\\\n]|\\.)*)"', text):
            yield plain.encode().decode("unicode_escape", errors="ignore")


# HTTP/1.1: every literal of the server tests that looks like a request.
for literal in swift_literals(glob.glob(os.path.join(ROOT, "Tests/HTTPServerTests/*.swift"))):
    if re.match(r"^(\r\n)*[A-Z]+ \S+ HTTP/", literal):
        write("FuzzHTTP1", literal)
# Chunked bodies: the parts after a head with Transfer-Encoding: chunked, and a few by hand.
for literal in swift_literals(glob.glob(os.path.join(ROOT, "Tests/HTTPServerTests/*.swift"))):
    if "chunked\r\n\r\n" in literal:
        write("FuzzChunked", literal.split("chunked\r\n\r\n", 1)[1])
for body in ["0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n",
             "A\r\n0123456789\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n", "fffffff\r\n"]:
    write("FuzzChunked", body)

# JSON request bodies: literals of the API tests, the documented examples.
bodies = []
for literal in swift_literals(glob.glob(os.path.join(ROOT, "Tests/JacobianAPITests/*.swift"))):
    if literal.lstrip().startswith("{") and ('"function"' in literal or '"arm"' in literal):
        bodies.append(literal)
for path in glob.glob(os.path.join(ROOT, "docs/examples/*.json")):
    bodies.append(open(path).read())
for body in bodies:
    write("FuzzRequests", body)
    write("FuzzJSON", body)
for literal in ['[1, -0.0, 1e308, "\\u00e9\\ud83d\\ude00", true, false, null, {"a": [{}]}]', '"\\u0000"', '{"a":1,"a":2}']:
    write("FuzzJSON", literal)

# The tutorial's functions: networks as specifications, expressions in FuzzExpression's text form.
tutorial = json.load(open(os.path.join(ROOT, "Tests/Fixtures/expected.json")))
for name, example in tutorial.items():
    if "layers" in example:
        write("FuzzNetwork", json.dumps({"type": "network", "layers": example["layers"]}))
    if "outputs" in example and isinstance(example.get("inputs"), dict):
        inputs = ", ".join(f"{n}[{size}]" for n, size in example["inputs"].items())
        write("FuzzExpression", inputs + "\n" + "\n".join(example["outputs"]))
write("FuzzExpression", "x, y\ndef r = hypot(x, y)\nr * sin(x) + g\natan2(y, x) ^ 2.5\nlog1p(exp(x)) - softplus(x)")
write("FuzzExpression", "v[3], t\nmin(v[0], v[1]) / max(t, 1e-9)\nsqrt(abs(v[2])) ^ 3\nerf(-v[0]) * sign(t)")
write("FuzzNetwork", json.dumps({"type": "expression", "inputs": ["x"], "outputs": ["x^2"]}))
write("FuzzNetwork", json.dumps({"type": "network", "layers": [
    {"type": "linear", "weight": [[1, 2], [3, 4]], "bias": [0, 1]}, {"type": "leaky_relu", "negative_slope": 0.1},
    {"type": "softplus", "beta": 2, "threshold": 10}, {"type": "linear", "weight": [[1, -1]]}, {"type": "softmax"}]}))

# URDF: the UR5 fixture and the tests' small documents.
write("FuzzURDF", "base tool0\n" + open(os.path.join(ROOT, "Tests/Fixtures/ur5.urdf")).read())
for literal in swift_literals(glob.glob(os.path.join(ROOT, "Tests/SolversTests/*.swift"))):
    if "<robot" in literal:
        links = re.findall(r'<link name="([^"]+)"', literal)
        if len(links) >= 2:
            write("FuzzURDF", f"{links[0]} {links[-1]}\n" + literal)
# Multi-line Swift strings (""" ... """) are not matched above; the test's slide arm by hand.
write("FuzzURDF", 'a d\n<robot name="slide"><link name="a"/><link name="b"/><link name="c"/><link name="d"/>'
      '<joint name="turn" type="continuous"><parent link="a"/><child link="b"/><origin xyz="0.1 0 0.2" rpy="0.3 -0.2 0.1"/><axis xyz="0 1 1"/></joint>'
      '<joint name="slide" type="prismatic"><parent link="b"/><child link="c"/><origin xyz="0 0.3 0"/><axis xyz="1 0 0"/><limit lower="-0.5" upper="0.5"/></joint>'
      '<joint name="tilt" type="revolute"><parent link="c"/><child link="d"/><origin xyz="0 0 0.4" rpy="0 1 0"/><axis xyz="0 0 1"/><limit lower="-3" upper="3"/></joint>'
      '</robot>')


# HTTP/2: frames after the preface (FuzzHTTP2 sends the preface itself).
def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def literal_field(name, value):  # HPACK literal without indexing, new name, no Huffman (RFC 7541 §6.2.2)
    return b"\x00" + bytes([len(name)]) + name.encode() + bytes([len(value)]) + value.encode()


SETTINGS = frame(4, 0, 0, struct.pack(">HI", 3, 100))
SETTINGS_ACK = frame(4, 1, 0)
get = b"".join(literal_field(n, v) for n, v in [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "h")])
post = b"".join(literal_field(n, v) for n, v in [(":method", "POST"), (":scheme", "http"), (":path", "/echo"),
                                                   (":authority", "h"), ("content-length", "5")])
write("FuzzHTTP2", SETTINGS + SETTINGS_ACK + frame(1, 0x5, 1, get))  # HEADERS, END_STREAM | END_HEADERS
write("FuzzHTTP2", SETTINGS + frame(1, 0x4, 1, post) + frame(0, 0x1, 1, b"hello"))  # then DATA, END_STREAM
write("FuzzHTTP2", SETTINGS + frame(1, 0x4, 1, post) + frame(0, 0, 1, b"he") + frame(8, 0, 1, struct.pack(">I", 100))
      + frame(0, 0x1, 1, b"llo") + frame(6, 0, 0, b"12345678") + frame(3, 0, 1, struct.pack(">I", 8)))
write("FuzzHTTP2", SETTINGS + frame(1, 0x1, 1, post[:10]) + frame(9, 0x4, 1, post[10:]) + frame(7, 0, 0, struct.pack(">II", 0, 0)))
write("FuzzHTTP2", SETTINGS + frame(1, 0x5 | 0x20, 3, struct.pack(">IB", 1, 16) + get) + frame(2, 0, 3, struct.pack(">IB", 0, 1)))
