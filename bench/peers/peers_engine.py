"""Peer timings for the engine workloads: PyTorch and JAX on this machine's CPU, float64.
Prints one JSON line per (workload, system) with microseconds per Jacobian (median of repeats).

This repository's copy of shared/bench/peers_engine.py, extended with the sparse, product and second-order workloads
of issue 16 (banded sparse Jacobian, J·v, Hessian and Hessian–vector product); scripts/bench-engine.sh runs it."""
import json, time, os, sys, statistics
os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1")
import numpy as np
import torch
torch.set_default_dtype(torch.float64)
import jax, jax.numpy as jnp
jax.config.update("jax_enable_x64", True)

def bench(fn, reps=7, inner=None):
    fn()  # warm
    if inner is None:
        t0 = time.perf_counter(); fn(); dt = time.perf_counter() - t0
        inner = max(1, int(0.05 / max(dt, 1e-9)))
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner): fn()
        ts.append((time.perf_counter() - t0) / inner)
    return statistics.median(ts) * 1e6

def emit(w, s, us, per=1):
    print(json.dumps({"workload": w, "system": s, "us_per_jacobian": us / per}), flush=True)

# W1 seed 3x3 single point
xt = torch.tensor([0.5, 1.0, -0.3]); xj = jnp.array([0.5, 1.0, -0.3])
ft = lambda x: torch.stack([x[0]**2, x[1]**3, x[2]**4])
fj = lambda x: jnp.stack([x[0]**2, x[1]**3, x[2]**4])
emit("seed3x3", "torch.autograd.functional.jacobian", bench(lambda: torch.autograd.functional.jacobian(ft, xt)))
emit("seed3x3", "torch.func.jacfwd", bench(lambda: torch.func.jacfwd(ft)(xt)))
jf = jax.jit(jax.jacfwd(fj))
emit("seed3x3", "jax.jit(jacfwd)", bench(lambda: jf(xj).block_until_ready()))

# W2 batch 100k points of seed
B = 100_000
Xt = torch.randn(B, 3); Xj = jnp.array(Xt.numpy())
vt = torch.func.vmap(torch.func.jacfwd(ft))
emit("seed3x3_batch100k", "torch.func.vmap(jacfwd)", bench(lambda: vt(Xt), reps=5), B)
vj = jax.jit(jax.vmap(jax.jacfwd(fj)))
emit("seed3x3_batch100k", "jax.jit(vmap(jacfwd))", bench(lambda: vj(Xj).block_until_ready(), reps=5), B)

# W3 dense 50x50: F_i = sum_j c_ij sin(x_j + x_i)
n = 50; rng = np.random.default_rng(0); C = rng.standard_normal((n, n))
Ct = torch.tensor(C); Cj = jnp.array(C)
x50t = torch.tensor(rng.standard_normal(n)); x50j = jnp.array(x50t.numpy())
f3t = lambda x: (Ct * torch.sin(x[None, :] + x[:, None])).sum(1)
f3j = lambda x: (Cj * jnp.sin(x[None, :] + x[:, None])).sum(1)
emit("dense50x50", "torch.autograd.functional.jacobian", bench(lambda: torch.autograd.functional.jacobian(f3t, x50t)))
emit("dense50x50", "torch.autograd.functional.jacobian(vectorize)", bench(lambda: torch.autograd.functional.jacobian(f3t, x50t, vectorize=True)))
j3 = jax.jit(jax.jacfwd(f3j))
emit("dense50x50", "jax.jit(jacfwd)", bench(lambda: j3(x50j).block_until_ready()))

# W4 gradient of R^1000 -> R: sum (x_i - x_{i+1})^2 + sum sin(x_i) * x_i
m = 1000; g_t = torch.tensor(rng.standard_normal(m)); g_j = jnp.array(g_t.numpy())
f4t = lambda x: ((x[:-1] - x[1:])**2).sum() + (torch.sin(x) * x).sum()
f4j = lambda x: ((x[:-1] - x[1:])**2).sum() + (jnp.sin(x) * x).sum()
emit("grad1000", "torch.autograd.functional.jacobian", bench(lambda: torch.autograd.functional.jacobian(f4t, g_t)))
j4 = jax.jit(jax.grad(f4j))
emit("grad1000", "jax.jit(grad)", bench(lambda: j4(g_j).block_until_ready()))
ef4 = jax.jit(f4j)
emit("grad1000", "jax.jit(f) [function value only]", bench(lambda: ef4(g_j).block_until_ready()))

# W5 banded 1000x1000: F_i = x_{i-1} - 2 x_i + x_{i+1} + x_i^3 (ends: zero boundary)
def f5t(x):
    xp = torch.nn.functional.pad(x, (1, 1)); return xp[:-2] - 2 * x + xp[2:] + x**3
def f5j(x):
    xp = jnp.pad(x, (1, 1)); return xp[:-2] - 2 * x + xp[2:] + x**3
emit("banded1000", "torch.autograd.functional.jacobian(vectorize)", bench(lambda: torch.autograd.functional.jacobian(f5t, g_t, vectorize=True), reps=3))
j5 = jax.jit(jax.jacfwd(f5j))
emit("banded1000", "jax.jit(jacfwd) dense", bench(lambda: j5(g_j).block_until_ready(), reps=3))

# W6 MLP 64-128-128-10 tanh, Jacobian wrt input
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.Tanh(), torch.nn.Linear(128, 128), torch.nn.Tanh(), torch.nn.Linear(128, 10))
x6 = torch.randn(64)
emit("mlp64_128_128_10", "torch.autograd.functional.jacobian", bench(lambda: torch.autograd.functional.jacobian(net, x6)))
emit("mlp64_128_128_10", "torch.func.jacrev", bench(lambda: torch.func.jacrev(net)(x6)))
Ws = [(jnp.array(l.weight.detach().numpy()), jnp.array(l.bias.detach().numpy())) for l in net if isinstance(l, torch.nn.Linear)]
def mlp(x):
    for i, (W, b) in enumerate(Ws):
        x = W @ x + b
        if i < len(Ws) - 1: x = jnp.tanh(x)
    return x
j6 = jax.jit(jax.jacrev(mlp)); x6j = jnp.array(x6.numpy())
emit("mlp64_128_128_10", "jax.jit(jacrev)", bench(lambda: j6(x6j).block_until_ready()))

# ---- Issue 16: sparse, product and second-order workloads (added in this repository's copy) ----------------------

# W5 sparse: the banded Jacobian's 3n - 2 nonzeros. Neither library has a sparse Jacobian: the peer is the
# hand-compressed computation a user would write (3 colour seeds, vmapped jvp, then reading the band), next to the
# dense jacfwd above.
seeds_j = jnp.stack([(jnp.arange(m) % 3 == c).astype(jnp.float64) for c in range(3)])
def band_j(x):
    _, compressed = jax.vmap(lambda s: jax.jvp(f5j, (x,), (s,)))(seeds_j)
    return compressed  # 3 × n; entry (i, j) of J is compressed[j % 3, i]
jb = jax.jit(band_j)
emit("banded1000_sparse", "jax.jit(vmap(jvp)) over 3 colour seeds (hand-compressed)", bench(lambda: jb(g_j).block_until_ready()))
seeds_t = torch.stack([(torch.arange(m) % 3 == c).to(torch.float64) for c in range(3)])
tb = torch.func.vmap(lambda s: torch.func.jvp(f5t, (g_t,), (s,))[1])
emit("banded1000_sparse", "torch.func.vmap(jvp) over 3 colour seeds (hand-compressed)", bench(lambda: tb(seeds_t)))

# W5 J·v: one Jacobian–vector product of the banded function.
v_t = torch.tensor(rng.standard_normal(m)); v_j = jnp.array(v_t.numpy())
jv = jax.jit(lambda x, v: jax.jvp(f5j, (x,), (v,))[1])
emit("banded1000_jvp", "jax.jit(jvp)", bench(lambda: jv(g_j, v_j).block_until_ready()))
emit("banded1000_jvp", "torch.func.jvp", bench(lambda: torch.func.jvp(f5t, (g_t,), (v_t,))[1]))

# W7 Hessian of the 1000-input scalar function (W4's f), dense 1000×1000.
hj = jax.jit(jax.hessian(f4j))
emit("hessian1000", "jax.jit(hessian)", bench(lambda: hj(g_j).block_until_ready(), reps=3))
emit("hessian1000", "torch.func.hessian", bench(lambda: torch.func.hessian(f4t)(g_t), reps=3))

# W8 one Hessian–vector product of the same function.
hvp_j = jax.jit(lambda x, v: jax.jvp(jax.grad(f4j), (x,), (v,))[1])
emit("hvp1000", "jax.jit(jvp(grad))", bench(lambda: hvp_j(g_j, v_j).block_until_ready()))
emit("hvp1000", "torch.func.jvp(grad)", bench(lambda: torch.func.jvp(torch.func.grad(f4t), (g_t,), (v_t,))[1]))
