#!/usr/bin/env python3
"""Writes Tests/Fixtures/hessians.json: exact Hessians, by SymPy, of expression functions in the service's grammar.

Each case is an expression function (inputs, definitions, outputs) and points; for each point the fixture holds
the value, the gradient and the Hessian of every output, evaluated symbolically and rounded to double at the end,
so the engine's forward-over-reverse Hessians are checked against an independent derivation.

Run on demand (pip install sympy); the JSON it writes is committed:
    python3 scripts/hessian-fixtures.py
"""
import json
import pathlib

import sympy as sp

CASES = [
    {"name": "products", "inputs": ["x", "y", "z"], "definitions": [],
     "outputs": ["x*y*z", "x*x*y + 3*y*z^2"], "points": [[0.7, -1.3, 2.1], [-0.4, 0.9, 0.25]]},
    {"name": "quotients", "inputs": ["x", "y"], "definitions": [],
     "outputs": ["x / y", "(x + 1) / (x * y - 2)", "1 / (x^2 + y^2)"], "points": [[1.5, -0.75], [0.3, 2.2]]},
    {"name": "atan2", "inputs": ["x", "y"], "definitions": [],
     "outputs": ["atan2(y, x)", "atan2(x * y, x + 2)"], "points": [[0.8, -1.9], [-1.1, 0.4]]},
    {"name": "variable exponent", "inputs": ["x", "y"], "definitions": [],
     "outputs": ["x ^ y", "pow(x + y, x)", "2 ^ (x * y)"], "points": [[1.7, 0.6], [0.45, 2.3]]},
    {"name": "hypot", "inputs": ["x", "y", "z"], "definitions": [],
     "outputs": ["hypot(x, y)", "hypot(x * z, y - z)"], "points": [[0.6, -0.8, 1.4], [3.0, 1.5, -0.2]]},
    {"name": "nested definitions", "inputs": ["a", "b"],
     "definitions": ["r = hypot(a, b)", "s = sin(r) * exp(-a)", "t = log(1 + s^2) / r"],
     "outputs": ["t * a + sqrt(r)", "tanh(s) - atan(t * b)"], "points": [[0.9, 1.2], [-0.5, 0.35]]},
    {"name": "elementary functions", "inputs": ["x", "y"], "definitions": [],
     "outputs": ["sin(x) * cos(y) + tan(x * y)", "exp(x - y) * log1p(x^2)", "asinh(x * y) + acosh(2 + y^2)",
                 "atanh(x / 3) + asin(y / 4) - acos(x / 5)", "cbrt(2 + x) * sigmoid(y) + erf(x * y)",
                 "sinh(x) * cosh(y) + expm1(y) + log2(3 + x) * log10(4 + y) + softplus(x - y)"],
     "points": [[0.3, -0.6], [-0.2, 1.1]]},
    {"name": "constant exponents and kinks", "inputs": ["x", "y"], "definitions": [],
     "outputs": ["x^2.5 + y^-1.5", "x^3 * y^7 + (x*y)^0.5", "abs(x - y) * y^2 + max(x, y)^2 - min(x, 2*y) * relu(x)"],
     "points": [[1.3, 0.7], [0.4, 1.9]]},
]


def hypot(a, b):
    return sp.sqrt(a ** 2 + b ** 2)


FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
    "atan2": sp.atan2, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "asinh": sp.asinh, "acosh": sp.acosh,
    "atanh": sp.atanh, "exp": sp.exp, "expm1": lambda u: sp.exp(u) - 1, "log": sp.log,
    "log1p": lambda u: sp.log(1 + u), "log2": lambda u: sp.log(u, 2), "log10": lambda u: sp.log(u, 10),
    "sqrt": sp.sqrt, "cbrt": lambda u: u ** sp.Rational(1, 3), "pow": lambda u, v: u ** v, "hypot": hypot,
    "abs": sp.Abs, "min": sp.Min, "max": sp.Max, "relu": lambda u: sp.Max(u, 0),
    "sigmoid": lambda u: 1 / (1 + sp.exp(-u)), "softplus": lambda u: sp.log(1 + sp.exp(u)), "erf": sp.erf,
}


def sympify(text, names):
    return sp.sympify(text.replace("^", "**"), locals={**FUNCTIONS, **names})


def main():
    fixtures = []
    for case in CASES:
        symbols = {name: sp.Symbol(name, real=True) for name in case["inputs"]}
        names = dict(symbols)
        for definition in case["definitions"]:
            name, expression = (part.strip() for part in definition.split("=", 1))
            names[name] = sympify(expression, names)
        outputs = [sympify(text, names) for text in case["outputs"]]
        variables = [symbols[name] for name in case["inputs"]]
        results = []
        for point in case["points"]:
            at = {v: sp.Float(p, 40) for v, p in zip(variables, point)}
            per_output = []
            for output in outputs:
                gradient = [sp.diff(output, v) for v in variables]
                hessian = [[sp.diff(g, w) for w in variables] for g in gradient]
                per_output.append({
                    "value": float(output.evalf(30, subs=at)),
                    "gradient": [float(g.evalf(30, subs=at)) for g in gradient],
                    "hessian": [[float(h.evalf(30, subs=at)) for h in row] for row in hessian],
                })
            results.append({"point": point, "outputs": per_output})
        fixtures.append({"name": case["name"], "inputs": case["inputs"], "definitions": case["definitions"],
                         "outputs": case["outputs"], "results": results})
    path = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "hessians.json"
    path.write_text(json.dumps({"generator": "scripts/hessian-fixtures.py (SymPy " + sp.__version__ + ")",
                                "cases": fixtures}, separators=(",", ":")) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
