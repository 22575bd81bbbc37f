#!/usr/bin/env python3
"""Opens N keep-alive connections to a server, makes one request on each, holds them idle, and prints the
server's resident memory and thread count (from /proc) as JSON. Used by scripts/load-test.sh.

Usage: idle-connections.py PORT PID [N]
"""
import json
import socket
import sys
import time


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    request = b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"
    before_kib = status_field(pid, "VmRSS")
    sockets, failures = [], 0
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(request)
            response = b""
            while b"\r\n\r\n" not in response or not response.endswith(b"}"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                response += chunk
            if not response.startswith(b"HTTP/1.1 200"):
                failures += 1
            sockets.append(s)
        except OSError:
            failures += 1
    time.sleep(2)  # Let the server settle with every connection idle.
    still_open = 0
    for s in sockets:
        s.setblocking(False)
        try:
            still_open += 0 if s.recv(1) == b"" else 1
        except BlockingIOError:
            still_open += 1  # Nothing to read and not closed: still open and idle.
        except OSError:
            pass
    result = {
        "connections": count,
        "failures": failures,
        "still_open": still_open,
        "rss_before_mib": round(before_kib / 1024, 1),
        "rss_idle_mib": round(status_field(pid, "VmRSS") / 1024, 1),
        "threads": status_field(pid, "Threads"),
    }
    for s in sockets:
        s.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
