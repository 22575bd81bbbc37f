#!/usr/bin/env python3
"""Trains the digits classifier and writes the ONNX fixtures with their PyTorch float64 expected values.

Outputs (all under Tests/Fixtures/):
  digits.onnx           a small CNN (Conv, BatchNormalization, residual Add, MaxPool, Flatten, Gemm) trained on
                        scikit-learn's bundled 8x8 digits, exported by torch.onnx.export (TorchScript exporter)
  digits-expected.json  for a few test images: logits, full 10x64 Jacobian and one class-score gradient,
                        computed by PyTorch in float64 from the float32 weights as stored in the ONNX file
  onnx-operators.json   one tiny single-operator graph per case (ONNX bytes in base64) with input, value and
                        Jacobian from PyTorch float64

Pinned: seeds below; versions (torch 2.13.0+cpu, onnx 1.23.2, onnxscript 0.7.2, scikit-learn 1.9.1, numpy 2.4.6) are
recorded in the JSON files ("generator"). `make onnx-fixtures` installs them in a venv and runs this script;
`--extra-only` rewrites onnx-extra.json alone from the committed digits.onnx.
"""
import base64, io, json, os, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

SEED = 20261204
OPSET = 17
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")


class DigitsNet(nn.Module):
    """Conv -> Relu -> Conv + skip -> BatchNorm -> Relu -> MaxPool -> Conv -> Relu -> Flatten -> Gemm."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)  # after the Add, so the exporter cannot fold it into a Conv
        self.pool = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(8, 16, 3)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        h = F.relu(self.conv1(x))
        h = F.relu(self.bn(self.conv2(h) + h))
        h = self.pool(h)
        h = F.relu(self.conv3(h))
        return self.fc(self.flatten(h))


def export(module, example, opset=OPSET):
    buffer = io.BytesIO()
    module.eval()
    torch.onnx.export(module, (example,), buffer, opset_version=opset, input_names=["x"], output_names=["y"],
                      do_constant_folding=True, dynamo=False)
    return buffer.getvalue()


def jacobian64(module, x):
    m64 = module.double().eval()
    x64 = torch.tensor(x, dtype=torch.float64)
    with torch.no_grad():
        y = m64(x64)
    J = torch.autograd.functional.jacobian(lambda t: m64(t), x64)
    module.float()
    return y.reshape(-1).tolist(), J.reshape(y.numel(), x64.numel()).tolist()


def train_digits():
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    digits = load_digits()
    X = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    order = np.random.permutation(len(X))
    train, test = order[:1500], order[1500:]
    model = DigitsNet()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    Xt, yt = torch.tensor(X[train]), torch.tensor(y[train])
    for epoch in range(15):
        model.train()
        perm = torch.randperm(len(Xt))
        for i in range(0, len(Xt), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(torch.tensor(X[test])).argmax(1).numpy() == y[test]).mean()
    return model, X[test], y[test], float(accuracy)


def digits_fixture():
    model, Xtest, ytest, accuracy = train_digits()
    onnx_bytes = export(model, torch.tensor(Xtest[:1]))
    with open(os.path.join(ROOT, "digits.onnx"), "wb") as f:
        f.write(onnx_bytes)
    cases = []
    for i in range(3):
        x = Xtest[i:i + 1].astype(np.float64)
        value, J = jacobian64(model, x)
        top = int(np.argmax(value))
        cases.append({"label": int(ytest[i]), "input": x.reshape(-1).tolist(), "value": value,
                      "jacobian": J, "class": top, "gradient": J[top]})
    meta = {"generator": generator(), "accuracy": accuracy, "input_shape": [1, 1, 8, 8], "output_shape": [1, 10],
            "onnx_bytes": len(onnx_bytes), "cases": cases}
    with open(os.path.join(ROOT, "digits-expected.json"), "w") as f:
        json.dump(meta, f)
    print(f"digits.onnx: {len(onnx_bytes)} bytes, test accuracy {accuracy:.3f}")


class Lambda(nn.Module):
    """forward(x) = f(self, x); `parts` become submodules or buffers, so .double() converts them too."""

    def __init__(self, f, **parts):
        super().__init__()
        self.f = f
        for name, part in parts.items():
            if isinstance(part, nn.Module):
                self.add_module(name, part)
            else:
                self.register_buffer(name, part)

    def forward(self, x):
        return self.f(self, x)


def operator_cases():
    torch.manual_seed(SEED + 1)
    g = torch.Generator().manual_seed(SEED + 2)
    w = lambda *shape: torch.randn(*shape, generator=g) * 0.5
    cases = []

    def add(name, module, shape):
        x = torch.randn(*shape, generator=g)
        onnx_bytes = export(module, x.float())
        value, J = jacobian64(module, x.double().numpy())
        with torch.no_grad():
            out_shape = list(module.double()(x.double()).shape)
        module.float()
        cases.append({"name": name, "onnx": base64.b64encode(onnx_bytes).decode(), "input_shape": list(shape),
                      "output_shape": out_shape, "input": x.double().reshape(-1).tolist(), "value": value,
                      "jacobian": J})

    conv = nn.Conv2d(4, 6, 3, stride=2, padding=(1, 2), dilation=(1, 2), groups=2)
    add("Conv strides pads dilations groups", conv, (1, 4, 7, 8))
    add("Conv no bias", nn.Conv2d(2, 3, (2, 3), bias=False), (1, 2, 5, 5))
    add("MaxPool strides pads", nn.MaxPool2d(3, stride=2, padding=1), (1, 2, 6, 7))
    add("AveragePool", nn.AvgPool2d(2, stride=1), (1, 2, 5, 4))
    add("AveragePool pads exclusive", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (1, 2, 5, 6))
    add("GlobalAveragePool", nn.AdaptiveAvgPool2d(1), (1, 3, 4, 5))
    bn = nn.BatchNorm2d(3).eval()
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(3, generator=g))
        bn.running_var.copy_(torch.rand(3, generator=g) + 0.5)
        bn.weight.copy_(torch.randn(3, generator=g))
        bn.bias.copy_(torch.randn(3, generator=g))
    add("BatchNormalization", Lambda(lambda m, x: m.bn(x + 0), bn=bn), (1, 3, 3, 4))
    add("Gemm", nn.Linear(5, 4), (1, 5))
    W = w(5, 3)
    add("MatMul", Lambda(lambda m, x: x @ m.W, W=W), (1, 2, 5))
    B = w(4)
    add("Add Sub Mul Div", Lambda(lambda m, x: ((x + m.B) * x - m.B) / (x * x + 1.5), B=B), (1, 3, 4))
    add("Relu", nn.ReLU(), (1, 7))
    add("LeakyRelu", nn.LeakyReLU(0.1), (1, 7))
    add("Elu", nn.ELU(0.7), (1, 7))
    add("Sigmoid", nn.Sigmoid(), (1, 7))
    add("Tanh", nn.Tanh(), (1, 7))
    add("Softmax", nn.Softmax(dim=1), (1, 6))
    add("LogSoftmax", nn.LogSoftmax(dim=-1), (1, 2, 5))
    add("Flatten", nn.Flatten(), (1, 2, 3, 2))
    add("Reshape", Lambda(lambda m, x: x.reshape(1, 3, 4) * 2), (1, 2, 6))
    add("Transpose", Lambda(lambda m, x: x.permute(0, 2, 3, 1) * 1.0 + 0.5), (1, 2, 3, 4))
    add("Concat", Lambda(lambda m, x: torch.cat([x, x * x], dim=1)), (1, 3, 2))
    add("Dropout", nn.Sequential(nn.Dropout(0.5), nn.Tanh()), (1, 5))
    with open(os.path.join(ROOT, "onnx-operators.json"), "w") as f:
        json.dump({"generator": generator(), "cases": cases}, f)
    print(f"onnx-operators.json: {len(cases)} cases")


def extra_fixtures():
    """onnx-extra.json: a second digits-shaped model (untrained, for replacement tests), the digits model from
    the torch.export-based exporter with its expected Jacobian, and models the importer must refuse (422)."""
    import onnx
    from onnx import helper, TensorProto
    torch.manual_seed(SEED + 3)
    alternate = DigitsNet().eval()
    example = torch.zeros(1, 1, 8, 8)
    extra = {"generator": generator(), "alternate_digits": base64.b64encode(export(alternate, example)).decode()}

    # The torch.export-based exporter (dynamo=True) on a small residual network, when onnxscript is installed.
    try:
        model, Xtest, _, _ = train_digits()
        buffer = io.BytesIO()
        program = torch.onnx.export(model.eval(), (torch.tensor(Xtest[:1]),), dynamo=True, opset_version=18,
                                    input_names=["x"], output_names=["y"])
        program.save(buffer)
        x = Xtest[1:2].astype(np.float64)
        value, J = jacobian64(model, x)
        extra["dynamo_digits"] = {"onnx": base64.b64encode(buffer.getvalue()).decode(), "input": x.reshape(-1).tolist(),
                                  "value": value, "jacobian": J}
    except Exception as error:  # onnxscript missing or exporter failure: the Swift test skips this case
        print("dynamo export skipped:", error)

    def graph(nodes, inputs, outputs, initializers=(), opset=17):
        g = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]).SerializeToString()

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    digits = open(os.path.join(ROOT, "digits.onnx"), "rb").read()
    external = helper.make_tensor("w", TensorProto.FLOAT, [4], [1, 2, 3, 4])
    external.data_location = TensorProto.EXTERNAL
    entry = external.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
    huge = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 20, 1 << 20])  # declares 2^40, holds none
    short = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4], float_data=[1, 2, 3])
    malformed = [
        ("truncated", digits[: len(digits) // 2], "not a valid ONNX protobuf"),
        ("not protobuf", b"\xff" * 64, "not a valid ONNX protobuf"),
        ("unsupported operator", graph([helper.make_node("Erf", ["x"], ["y"], name="erf0")], [x], [y]), "node 'erf0' (Erf)"),
        ("unsupported attribute", graph([helper.make_node("MaxPool", ["x4"], ["y"], name="pool0", kernel_shape=[2, 2],
                                                          ceil_mode=1)],
                                        [helper.make_tensor_value_info("x4", TensorProto.FLOAT, [1, 1, 4, 4])],
                                        [y]), "node 'pool0' (MaxPool)"),
        ("dynamic dimension", graph([helper.make_node("Relu", ["xd"], ["y"], name="relu0")],
                                    [helper.make_tensor_value_info("xd", TensorProto.FLOAT, ["N", "F"])], [y]),
         "dynamic dimension 'F'"),
        ("external data", graph([helper.make_node("Add", ["x", "w"], ["y"], name="add0")], [x], [y], [external]),
         "external file"),
        ("absurd dimensions", graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm0")], [x], [y], [huge]),
         "maxTensorElements"),
        ("short initializer", graph([helper.make_node("Add", ["x", "w"], ["y"], name="add0")], [x], [y], [short]),
         "holds 3 float values instead of 4"),
        ("old opset", graph([helper.make_node("Relu", ["x"], ["y"], name="relu0")], [x], [y], opset=9), "opset 9"),
        ("shape mismatch", graph([helper.make_node("Add", ["x", "w"], ["y"], name="add0")], [x], [y],
                                 [helper.make_tensor("w", TensorProto.FLOAT, [3], [1, 2, 3])]), "node 'add0' (Add)"),
    ]
    extra["malformed"] = [{"name": n, "onnx": base64.b64encode(b).decode(), "expect": e} for n, b, e in malformed]
    with open(os.path.join(ROOT, "onnx-extra.json"), "w") as f:
        json.dump(extra, f)
    print(f"onnx-extra.json: {len(malformed)} malformed cases, dynamo: {'dynamo_digits' in extra}")


def generator():
    import sklearn
    return {"script": "scripts/make-onnx-fixtures.py", "seed": SEED, "opset": OPSET, "torch": torch.__version__,
            "numpy": np.__version__, "sklearn": sklearn.__version__, "python": sys.version.split()[0]}


if __name__ == "__main__":
    torch.set_num_threads(1)
    if "--extra-only" not in sys.argv:  # the extra fixtures alone, from the committed digits.onnx
        digits_fixture()
        operator_cases()
    extra_fixtures()
