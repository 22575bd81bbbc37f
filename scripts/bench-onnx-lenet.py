#!/usr/bin/env python3
"""LeNet-5 on 1x28x28 beside PyTorch: writes bench-results/lenet5.onnx (seeded random weights, float32, opset 17)
and times, in float64 on the CPU with one thread, one class-score gradient (torch.autograd.grad, eager) and the full
10x784 Jacobian (torch.func.jacrev), at the input x[i] = sin(i)/2 + 1/2 that `jacobian-bench onnx` uses.
JAX is timed too when installed (jit(grad), jit(jacrev)). One JSON line per (workload, system), microseconds.

    python3 scripts/bench-onnx-lenet.py && swift run -c release jacobian-bench onnx bench-results/lenet5.onnx
"""
import io, json, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench-results")


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


def median_us(body, seconds=0.3, rounds=9):
    body()
    start = time.perf_counter()
    body()
    per = max(time.perf_counter() - start, 1e-7)
    n = max(1, int(seconds / rounds / per))
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            body()
        samples.append((time.perf_counter() - start) / n * 1e6)
    return sorted(samples)[rounds // 2]


def main():
    os.makedirs(ROOT, exist_ok=True)
    torch.manual_seed(5)
    model = LeNet5().eval()
    buffer = io.BytesIO()
    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), buffer, opset_version=17, input_names=["x"],
                      output_names=["y"], dynamo=False)
    with open(os.path.join(ROOT, "lenet5.onnx"), "wb") as f:
        f.write(buffer.getvalue())
    m64 = model.double()
    x = torch.tensor([np.sin(i) / 2 + 0.5 for i in range(784)], dtype=torch.float64).reshape(1, 1, 28, 28)

    def gradient():
        xi = x.clone().requires_grad_(True)
        return torch.autograd.grad(m64(xi)[0, 3], xi)[0]

    jacrev = torch.func.jacrev(lambda t: m64(t).reshape(10))
    results = [("onnx gradient", "pytorch autograd.grad", median_us(gradient)),
               ("onnx jacobian 10x784", "pytorch jacrev", median_us(lambda: jacrev(x)))]
    with torch.no_grad():
        results.append(("onnx value", "pytorch", median_us(lambda: m64(x))))
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
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
        g = jax.jit(jax.grad(lambda t: f(t)[3]))
        j = jax.jit(jax.jacrev(f))
        results += [("onnx gradient", "jax jit(grad)", median_us(lambda: g(xj).block_until_ready())),
                    ("onnx jacobian 10x784", "jax jit(jacrev)", median_us(lambda: j(xj).block_until_ready()))]
    except ImportError:
        pass
    for workload, system, us in results:
        print(json.dumps({"workload": workload, "system": system, "us_wall": round(us, 2)}))


if __name__ == "__main__":
    main()
