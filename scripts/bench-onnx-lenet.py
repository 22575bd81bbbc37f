#!/usr/bin/env python3
"""LeNet-5 on 1x28x28, ours beside PyTorch and JAX, in one sitting.

Writes bench-results/lenet5.onnx (seeded random weights, float32, opset 17) and times, in float64 on the CPU with one
thread, at the input x[i] = sin(i)/2 + 1/2:
  - one class-score gradient (class 3): PyTorch torch.autograd.grad (eager), JAX jit(grad), ours
    (`ModelFunction.gradient(at:row:)`, what /v1/jacobian runs; and over HTTP, POST /v1/jacobian with a one-hot
    cotangent);
  - the full 10x784 Jacobian: PyTorch torch.func.jacrev, JAX jit(jacrev), ours (`CompiledFunction.jacobian`, what
    /v1/jacobian runs; and over HTTP, POST /v1/jacobian);
  - one evaluation (PyTorch no_grad forward, ours).
Ours through the public API comes from `jacobian-bench onnx` (--bench, a release build); over HTTP from the release
server (--server) started here with --model-dir bench-results, on one keep-alive connection (the client's time
included: what a user sees). Medians of 9 rounds, microseconds; one JSON line per (workload, system), then a table
with the ratios. The HTTP Jacobian is also checked against PyTorch's (max relative error printed).

    swift build -c release --product jacobian-bench --product jacobian-server
    python3 scripts/bench-onnx-lenet.py --bench .build/release/jacobian-bench --server .build/release/jacobian-server
"""
import argparse, http.client, io, json, os, re, subprocess, time

# JAX (XLA) on one thread like the others, set before it is imported.
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench-results")
CLASS = 3


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def median_us(body, seconds=0.3, rounds=9, cpu_clock=time.process_time):
    """(median wall µs per call, median CPU µs per call): the machine is shared, so wall times swing with the load
    while CPU time much less. `cpu_clock` is this process's CPU time by default (PyTorch and JAX are held to one
    thread), or the server's for HTTP."""
    body()
    start = time.perf_counter()
    body()
    per = max(time.perf_counter() - start, 1e-7)
    n = max(1, int(seconds / rounds / per))
    walls, cpus = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), cpu_clock()
        for _ in range(n):
            body()
        walls.append((time.perf_counter() - start) / n * 1e6)
        cpus.append((cpu_clock() - start_cpu) / n * 1e6)
    return sorted(walls)[rounds // 2], sorted(cpus)[rounds // 2]


def pytorch(m64, x):
    def gradient():
        xi = x.clone().requires_grad_(True)
        return torch.autograd.grad(m64(xi)[0, CLASS], xi)[0]

    jacrev = torch.func.jacrev(lambda t: m64(t).reshape(10))
    results = [("gradient", "pytorch autograd.grad", median_us(gradient)),
               ("jacobian 10x784", "pytorch func.jacrev", median_us(lambda: jacrev(x)))]
    with torch.no_grad():
        results.append(("value", "pytorch no_grad", median_us(lambda: m64(x))))
    return results, jacrev(x).reshape(10, 784).detach().numpy()


def jax_results(m64, x, expected):
    try:
        import jax
    except ImportError:
        return []
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    import jax.numpy as jnp
    params = {k: jnp.asarray(v.numpy()) for k, v in m64.state_dict().items()}

    def f(t):
        conv = lambda t, w, b, pad: jax.lax.conv_general_dilated(t, w, (1, 1), pad) + b[None, :, None, None]
        pool = lambda t: jax.lax.reduce_window(t, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
        h = pool(jax.nn.relu(conv(t, params["conv1.weight"], params["conv1.bias"], [(2, 2), (2, 2)])))
        h = pool(jax.nn.relu(conv(h, params["conv2.weight"], params["conv2.bias"], [(0, 0), (0, 0)])))
        h = h.reshape(1, -1)
        h = jax.nn.relu(h @ params["fc1.weight"].T + params["fc1.bias"])
        h = jax.nn.relu(h @ params["fc2.weight"].T + params["fc2.bias"])
        return (h @ params["fc3.weight"].T + params["fc3.bias"]).reshape(10)

    xj = jnp.asarray(x.numpy())
    g = jax.jit(jax.grad(lambda t: f(t)[CLASS]))
    j = jax.jit(jax.jacrev(f))
    error = np.abs(np.asarray(j(xj)).reshape(10, 784) - expected).max() / np.abs(expected).max()
    assert error < 1e-10, f"JAX's LeNet differs from PyTorch's: {error}"
    return [("gradient", "jax jit(grad)", median_us(lambda: g(xj).block_until_ready())),
            ("jacobian 10x784", "jax jit(jacrev)", median_us(lambda: j(xj).block_until_ready()))]


def ours_api(bench, model):
    out = subprocess.run([bench, "onnx", model], check=True, capture_output=True, text=True).stdout
    names = {"onnx value": "value", "onnx gradient": "gradient", "onnx jacobian 10x784": "jacobian 10x784"}
    results = []
    for line in out.splitlines():
        row = json.loads(line)
        results.append((names[row["workload"]], "ours API", (row["us_wall"], row["us_cpu"])))
    return results


def ours_http(server, x, expected):
    process = subprocess.Popen([server, "--host", "127.0.0.1", "--port", "0", "--log-level", "notice",
                                "--model-dir", ROOT], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        while port is None:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the server did not start")
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            port = int(found.group(1)) if found else None
        connection = http.client.HTTPConnection("127.0.0.1", port)
        point = [float(v) for v in x.reshape(-1)]
        function = {"type": "model", "name": "lenet5"}
        one_hot = [1.0 if k == CLASS else 0.0 for k in range(10)]
        bodies = {
            "gradient": json.dumps({"function": function, "point": point, "cotangents": [one_hot]}).encode(),
            "jacobian 10x784": json.dumps({"function": function, "point": point}).encode(),
        }

        def post(body):
            connection.request("POST", "/v1/jacobian", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
            assert response.status == 200, data[:300]
            return data

        answer = json.loads(post(bodies["jacobian 10x784"]))
        error = np.abs(np.array(answer["jacobian"]) - expected).max() / np.abs(expected).max()
        vjp = np.array(json.loads(post(bodies["gradient"]))["vjp"][0])
        error = max(error, np.abs(vjp - expected[CLASS]).max() / np.abs(expected[CLASS]).max())
        print(json.dumps({"check": "ours over HTTP vs PyTorch jacrev", "max_relative_error": error}))
        ticks = os.sysconf("SC_CLK_TCK")

        def server_cpu():  # the server process's user + system time, seconds (/proc/PID/stat fields 14 and 15)
            with open(f"/proc/{process.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks

        # The server's CPU time is counted in clock ticks (10 ms): longer rounds keep that coarse clock honest.
        return [(workload, "ours HTTP", median_us(lambda b=body: post(b), seconds=3, cpu_clock=server_cpu))
                for workload, body in bodies.items()]
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", help="release jacobian-bench binary (ours through the public API)")
    parser.add_argument("--server", help="release jacobian-server binary (ours over HTTP)")
    options = parser.parse_args()
    os.makedirs(ROOT, exist_ok=True)
    torch.manual_seed(5)
    model = LeNet5().eval()
    buffer = io.BytesIO()
    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), buffer, opset_version=17, input_names=["x"],
                      output_names=["y"], dynamo=False)
    path = os.path.join(ROOT, "lenet5.onnx")
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    m64 = model.double()
    x = torch.tensor([np.sin(i) / 2 + 0.5 for i in range(784)], dtype=torch.float64).reshape(1, 1, 28, 28)

    results, expected = pytorch(m64, x)
    results += jax_results(m64, x, expected)
    if options.bench:
        results += ours_api(options.bench, path)
    if options.server:
        results += ours_http(options.server, x, expected)
    for workload, system, (wall, cpu) in results:
        print(json.dumps({"workload": "onnx " + workload, "system": system, "us_wall": round(wall, 1),
                          "us_cpu": round(cpu, 1)}))

    # The table: each system's medians and PyTorch eager's (autograd.grad / jacrev / no_grad) over them.
    reference = {w: times for w, s, times in results if s.startswith("pytorch")}
    print("\n| workload | system | wall µs | CPU µs | PyTorch / this (wall) | PyTorch / this (CPU) |")
    print("|---|---|---|---|---|---|")
    for workload, system, (wall, cpu) in results:
        ref_wall, ref_cpu = reference[workload]
        print(f"| {workload} | {system} | {wall:,.0f} | {cpu:,.0f} | {ref_wall / wall:.2f}× | {ref_cpu / max(cpu, 1e-9):.2f}× |")


if __name__ == "__main__":
    main()
