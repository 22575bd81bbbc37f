"""Batch peers for issue 20, beside ../shared/bench/peers_engine.py (which times the 3×3 batch): the 64-128-128-10
tanh network's input Jacobian over 1,000 points with PyTorch's vmap(jacrev) and JAX's jit(vmap(jacrev)), float64,
in µs per point (median of repeats, wall time), one JSON line per system.
Usage: nice python3 scripts/bench-peers-batch.py"""
import json, os, statistics, time
os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1")
import torch
torch.set_default_dtype(torch.float64)
import jax, jax.numpy as jnp
jax.config.update("jax_enable_x64", True)


def bench(fn, reps=7):
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


B = 1_000
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.Tanh(), torch.nn.Linear(128, 128), torch.nn.Tanh(),
                          torch.nn.Linear(128, 10))
X = torch.randn(B, 64)
vt = torch.func.vmap(torch.func.jacrev(net))
print(json.dumps({"workload": "mlp64_128_128_10_batch1000", "system": "torch.func.vmap(jacrev)",
                  "us_per_point": bench(lambda: vt(X)) / B}), flush=True)
Ws = [(jnp.array(l.weight.detach().numpy()), jnp.array(l.bias.detach().numpy())) for l in net
      if isinstance(l, torch.nn.Linear)]


def mlp(x):
    for i, (W, b) in enumerate(Ws):
        x = W @ x + b
        if i < len(Ws) - 1:
            x = jnp.tanh(x)
    return x


vj = jax.jit(jax.vmap(jax.jacrev(mlp)))
Xj = jnp.array(X.numpy())
print(json.dumps({"workload": "mlp64_128_128_10_batch1000", "system": "jax.jit(vmap(jacrev))",
                  "us_per_point": bench(lambda: vj(Xj).block_until_ready()) / B}), flush=True)
