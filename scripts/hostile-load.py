#!/usr/bin/env python3
"""Reproduces the attacks of issue #19 against a jacobian-server binary on 127.0.0.1, at a scale a 2-core machine
takes, and prints one line of figures per attack (see docs/RELIABILITY.md).

    scripts/hostile-load.py .build/release/jacobian-server [attack ...]

Attacks: body, abandon-h1, abandon-h2, responses, batch, connections, edges (default: all). Each starts its own
server (loopback, a free port), attacks it, measures the server process (CPU seconds from /proc, RSS), and stops it.
Standard library only.
"""
import json
import os
import resource
import socket
import struct
import subprocess
import sys
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---- the server under test ----------------------------------------------------------------------------------------

class Server:
    def __init__(self, binary, *args):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "critical", *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if request(self.port, "GET", "/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def metric(self, name):
        _, _, body = request(self.port, "GET", "/metrics")
        total = 0.0
        for line in body.decode().splitlines():
            if line.startswith(name) and not line.startswith("#"):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def request(port, method, path, body=None, headers=(), timeout=60, source=None):
    """One HTTP/1.1 request on a new connection: (status, seconds, body)."""
    started = time.time()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                  source_address=(source, 0) if source else None) as s:
        data = body.encode() if isinstance(body, str) else (body or b"")
        head = f"{method} {path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        for name, value in headers:
            head += f"{name}: {value}\r\n"
        s.sendall(head.encode() + b"\r\n" + data)
        chunks = []
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else 0
    return status, time.time() - started, raw.split(b"\r\n\r\n", 1)[-1]


SMALL = '{"function": {"type": "expression", "inputs": ["x"], "outputs": ["x^2"]}, "point": [3]}'


def newton_body(size=300, iterations=1000):
    outputs = ",".join(f'"x[{i}]^2 + 1"' for i in range(size))
    point = ",".join("1" for _ in range(size))
    return ('{"function": {"type": "expression", "inputs": [{"name": "x", "size": %d}], "outputs": [%s]}, '
            '"point": [%s], "max_iterations": %d}' % (size, outputs, point, iterations))


def heavy_batch(length, count):
    definitions = ["d0 = sin(x)"] + [f"d{i} = sin(d{i - 1}) + x" for i in range(1, length)]
    points = [[(i % 100) / 100] for i in range(count)]
    return json.dumps({"function": {"type": "expression", "inputs": ["x"], "definitions": definitions,
                                    "outputs": [f"d{length - 1}"]}, "points": points}, separators=(",", ":"))


def cpu_after(server, seconds):
    """CPU seconds the server uses in the next `seconds`."""
    before = server.cpu_seconds()
    time.sleep(seconds)
    return server.cpu_seconds() - before


# ---- HTTP/2 frames, just enough for HEADERS, DATA and RST_STREAM ----------------------------------------------------

def frame(kind, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def hpack_literal(fields):
    out = bytearray()
    for name, value in fields:
        out.append(0x00)  # Literal without indexing, new name.
        for text in (name, value):
            data = text.encode()
            if len(data) < 127:
                out.append(len(data))
            else:
                out.append(127)
                rest = len(data) - 127
                while rest >= 128:
                    out.append(rest % 128 + 128)
                    rest //= 128
                out.append(rest)
            out += data
    return bytes(out)


# ---- the attacks ---------------------------------------------------------------------------------------------------

def attack_body(binary):
    """300 connections declare 1 MiB bodies and send one byte; then one normal POST."""
    with Server(binary) as server:
        holders = []
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"POST /v1/jacobian HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1048576\r\n\r\n{")
            holders.append(s)
        time.sleep(1)
        buffered = server.metric("http_buffered_body_bytes")
        status, seconds, _ = request(server.port, "POST", "/v1/jacobian", SMALL)
        for s in holders:
            s.close()
        return f"body: 300 x (Content-Length 1 MiB, 1 byte sent): buffered_body_bytes={buffered:.0f}; " \
               f"a normal POST -> {status} in {seconds * 1000:.0f} ms"


def attack_abandon_h1(binary):
    """100 Newton requests (300 inputs, 1,000 iterations) sent and closed at once; server CPU over the next 15 s."""
    with Server(binary) as server:
        body = newton_body().encode()
        head = (f"POST /v1/newton HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        for _ in range(100):
            with socket.create_connection(("127.0.0.1", server.port)) as s:
                s.sendall(head + body)
        cpu = cpu_after(server, 15)
        cancelled = server.metric("http_requests_cancelled_total")
        return f"abandon-h1: 100 Newton requests sent and closed: server CPU in the next 15 s = {cpu:.1f} s; " \
               f"cancelled_total={cancelled:.0f}"


def attack_abandon_h2(binary):
    """200 x (HEADERS, DATA, RST_STREAM) of a Newton request on one h2c connection; CPU and a small request."""
    with Server(binary) as server:
        body = newton_body().encode()
        s = socket.create_connection(("127.0.0.1", server.port))
        out = bytearray(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b""))
        for n in range(200):
            stream = 2 * n + 1
            fields = [(":method", "POST"), (":scheme", "http"), (":path", "/v1/newton"), (":authority", "h"),
                      ("content-type", "application/json"), ("content-length", str(len(body)))]
            out += frame(1, 0x4, stream, hpack_literal(fields))
            for offset in range(0, len(body), 16000):
                last = offset + 16000 >= len(body)
                out += frame(0, 0x1 if last else 0, stream, body[offset:offset + 16000])
            out += frame(3, 0, stream, struct.pack(">I", 8))
        cpu_before = server.cpu_seconds()
        s.sendall(out)
        time.sleep(0.5)
        status, seconds, _ = request(server.port, "POST", "/v1/jacobian", SMALL, source="127.0.0.2")
        time.sleep(15)
        cpu = server.cpu_seconds() - cpu_before
        s.close()
        return f"abandon-h2: 200 x (HEADERS, DATA, RST_STREAM) of a Newton request: server CPU from the attack to " \
               f"15 s after the small request = {cpu:.1f} s; a small request from another client -> {status} in " \
               f"{seconds * 1000:.0f} ms"


def attack_responses(binary):
    """N clients (HOSTILE_CLIENTS, default 30) ask for a ~40 MB answer each (a 2,000-wide network at 500 points)
    and read nothing."""
    clients = int(os.environ.get("HOSTILE_CLIENTS", "30"))
    with Server(binary) as server:
        weight = [[0.001 * (i % 7)] for i in range(2000)]
        points = [[i / 500] for i in range(500)]
        body = json.dumps({"function": {"type": "network", "layers": [{"type": "linear", "weight": weight}]},
                           "points": points}).encode()
        head = (f"POST /v1/jacobian HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        base = server.rss_mb()
        holders = []
        for _ in range(clients):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(head + body)
            holders.append(s)
        time.sleep(25)  # Every answer computed, none yet dropped by the 30 s write timeout.
        rss = server.rss_mb()
        held = server.metric("http_buffered_response_bytes")
        for s in holders:
            s.close()
        return f"responses: {clients} non-reading clients, {len(body) // 1024} KB requests for ~40 MB answers: " \
               f"RSS {base:.0f} -> {rss:.0f} MB; buffered_response_bytes={held / 1e6:.0f} MB"


def attack_batch(binary):
    """HOSTILE_BATCHES (default 4) long batches at once (5,000 chained definitions x 100,000 points, 0.8 MB each)
    from one client; a small request from another client meanwhile."""
    count = int(os.environ.get("HOSTILE_BATCHES", "4"))
    with Server(binary) as server:
        body = heavy_batch(5000, 100_000)
        results = []

        def heavy():
            results.append(request(server.port, "POST", "/v1/jacobian", body, timeout=900))

        threads = [threading.Thread(target=heavy) for _ in range(count)]
        cpu_before = server.cpu_seconds()
        started = time.time()
        for thread in threads:
            thread.start()
        time.sleep(2)
        small_status, small_seconds, _ = request(server.port, "POST", "/v1/jacobian", SMALL, timeout=900,
                                                 source="127.0.0.2")
        for thread in threads:
            thread.join()
        elapsed = time.time() - started
        cpu = server.cpu_seconds() - cpu_before
        outcomes = []
        for status, seconds, answer in results:
            limit = json.loads(answer).get("limit", "") if status == 422 else ""
            outcomes.append(f"{status}{' ' + limit if limit else ''} after {seconds:.1f} s")
        return f"batch: {count} x {len(body) // 1024} KB batches -> {', '.join(outcomes)}; all done in " \
               f"{elapsed:.1f} s, {cpu:.1f} CPU-s; a small request from another client -> {small_status} in " \
               f"{small_seconds * 1000:.0f} ms"


def attack_connections(binary):
    """--max-connections 1000 and 1,500 sockets that send nothing; then /healthz and a POST."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    with Server(binary, "--max-connections", "1000") as server:
        silent = []
        started = time.time()
        for _ in range(1500):
            silent.append(socket.create_connection(("127.0.0.1", server.port)))
        opened = time.time() - started
        time.sleep(0.5)
        health = request(server.port, "GET", "/healthz")
        post = request(server.port, "POST", "/v1/jacobian", SMALL)
        for s in silent:
            s.close()
        return f"connections: 1,500 silent sockets in {opened:.1f} s against --max-connections 1000: " \
               f"/healthz -> {health[0]}, POST -> {post[0]} in {post[1] * 1000:.0f} ms"


def attack_edges(binary):
    with Server(binary) as server:
        _, _, power = request(server.port, "POST", "/v1/jacobian",
                              '{"function": {"type": "expression", "inputs": ["x"], "outputs": ["x^1e308"]}, '
                              '"point": [-1]}')
        derivative = json.loads(power)["jacobian"][0][0]
        _, _, domain = request(server.port, "POST", "/v1/newton",
                               '{"function": {"type": "expression", "inputs": ["x"], "outputs": ["log(x)"]}, '
                               '"point": [3], "step_size": 1}')
        pointer = json.loads(domain)["errors"][0]["pointer"]
        gzip = request(server.port, "POST", "/v1/jacobian", SMALL, headers=[("Content-Encoding", "gzip")])[0]
        long_method = request(server.port, "M" * 10_000, "/", timeout=10)
        return f"edges: d/dx x^1e308 at -1 = {derivative:g}; Newton leaving the domain points at {pointer}; " \
               f"Content-Encoding gzip -> {gzip}; 10,000-char method -> {long_method[0]} with a " \
               f"{len(long_method[2])}-byte body"


ATTACKS = {"body": attack_body, "abandon-h1": attack_abandon_h1, "abandon-h2": attack_abandon_h2,
           "responses": attack_responses, "batch": attack_batch, "connections": attack_connections,
           "edges": attack_edges}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    for name in sys.argv[2:] or ATTACKS:
        try:
            print(ATTACKS[name](binary), flush=True)
        except Exception as error:  # One attack's failure must not hide the others' figures.
            print(f"{name}: failed: {error!r}", flush=True)


if __name__ == "__main__":
    main()
