"""Writes the PyTorch-exported ONNX fixtures of test/fixtures/onnx/ (a dev script, not run in CI).

    apt-get install -y python3-torch python3-onnx     # Debian bookworm: torch 1.13.1, onnx 1.12.0
    /usr/bin/python3 scripts/onnx-fixtures/export_torch.py test/fixtures/onnx

Each model is seeded, small, in eval mode, and written with a sample input and PyTorch's output
(`<name>.json`) so tests can compare tensorgraph against PyTorch as well as ONNX Runtime.
"""
import json
import os
import sys

import torch
from torch import nn


class Mlp(nn.Module):
    """Linear layers (Gemm), ReLU, Dropout (an inference no-op) and LogSoftmax."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 4))

    def forward(self, x):
        return torch.log_softmax(self.net(x), dim=1)


class SmallCnn(nn.Module):
    """Conv (pads, stride, groups), BatchNorm kept as a node (it follows a ReLU, so no conv folds it),
    MaxPool with ceil_mode, AvgPool with pads, global average pool, Flatten and a Linear."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2)
        self.bn2 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.bn1(torch.relu(self.c1(x)))
        x = self.pool(x)
        x = self.bn2(nn.functional.leaky_relu(self.c2(x), 0.1))
        x = self.avg(x)
        x = nn.functional.adaptive_avg_pool2d(x, 1)
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)


class Branches(nn.Module):
    """Two branches concatenated, x.view(x.size(0), -1) with a dynamic batch (Shape, Gather,
    Unsqueeze, Concat, Reshape), a transpose, a slice, sigmoid gating and a matmul."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(2, 4, 1)
        self.b = nn.Conv2d(2, 4, 3, padding=1)
        self.fc = nn.Linear(8 * 4 * 4, 6)
        self.proj = nn.Parameter(torch.randn(6, 3))

    def forward(self, x):
        y = torch.cat([torch.relu(self.a(x)), torch.sigmoid(self.b(x))], dim=1)
        y = y.view(y.size(0), -1)
        h = self.fc(y)
        gate = torch.sigmoid(h[:, :3])
        return torch.matmul(h, self.proj) * gate + h.transpose(0, 1)[:3].transpose(0, 1)


def export(model, example, name, out_dir, opset, dynamic_batch):
    model.eval()
    path = os.path.join(out_dir, f"{name}.onnx")
    axes = {"x": {0: "batch"}, "y": {0: "batch"}} if dynamic_batch else None
    torch.onnx.export(model, example, path, input_names=["x"], output_names=["y"], opset_version=opset, dynamic_axes=axes)
    with torch.no_grad():
        y = model(example)
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump({"opset": opset, "x": {"shape": list(example.shape), "data": example.flatten().tolist()},
                   "y": {"shape": list(y.shape), "data": y.flatten().tolist()}}, f)
    print(f"wrote {path} ({os.path.getsize(path)} bytes, opset {opset})")


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    export(Mlp(), torch.randn(3, 8), "torch_mlp", out_dir, 11, True)
    cnn = SmallCnn()
    # non-trivial running statistics, as after training
    for bn in (cnn.bn1, cnn.bn2):
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.data.uniform_(0.5, 1.5)
        bn.bias.data.uniform_(-0.2, 0.2)
    export(cnn, torch.randn(2, 3, 9, 9), "torch_cnn_bn", out_dir, 13, False)
    export(Branches(), torch.randn(2, 2, 4, 4), "torch_branches", out_dir, 17, True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/onnx")
