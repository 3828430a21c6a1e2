"""PyTorch baseline for `npm run bench training` (called by tools/host/src/bench/training.ts).

Reads the exact inputs and initial weights the TypeScript bench used (a JSON manifest plus one
raw little-endian float32/int32 file), builds the same network, runs the same SGD steps on one
thread (or `threads` from the manifest) and serves timing requests so the caller can alternate engines
in short blocks:
  start:  prints {"ready": true, "losses": [warm-up losses], "threads": n, "torch": version}
  stdin "run K\n" → K steps, prints {"wall_ms": .., "cpu_ms": .., "losses": [...]} (totals for the block)
  stdin "quit\n" (or EOF) → exit.
Usage: python3 torch_step.py MANIFEST.json
Layouts: tfjs conv filters are [kh, kw, ci, co] (torch: [co, ci, kh, kw]); tfjs dense kernels are
[in, out] (torch Linear: [out, in]); tfjs flattens NHWC, so the torch model flattens after
permuting to NHWC — then both frameworks compute the same function of the same numbers.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

def load(manifest_path):
    with open(manifest_path) as f:
        man = json.load(f)
    raw = open(man["data"], "rb").read()
    arrays = {}
    for a in man["arrays"]:
        dt = np.float32 if a["dtype"] == "float32" else np.int32
        n = int(np.prod(a["shape"])) if a["shape"] else 1
        arr = np.frombuffer(raw, dtype=dt, count=n, offset=a["offset"]).reshape(a["shape"])
        arrays[a["name"]] = torch.from_numpy(arr.copy())
    return man, arrays


def conv_w(w):  # [kh, kw, ci, co] -> [co, ci, kh, kw]
    return w.permute(3, 2, 0, 1).contiguous()


def cnn_step_fn(man, A):
    spec = man["spec"]
    params = []
    layers = []
    for i, c in enumerate(spec["convs"]):
        w = conv_w(A[f"conv{i}.kernel"]).requires_grad_()
        b = A[f"conv{i}.bias"].clone().requires_grad_()
        params += [w, b]
        layers.append((w, b, c))
    dense = []
    for i in range(len(spec["dense"])):
        w = A[f"dense{i}.kernel"].t().contiguous().requires_grad_()
        b = A[f"dense{i}.bias"].clone().requires_grad_()
        params += [w, b]
        dense.append((w, b))
    x = A["x"].permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    y = A["y"].long()

    def forward():
        h = x
        for w, b, c in layers:
            k = w.shape[-1]
            if c["padding"] == "same":
                # tfjs 'same': total pad = max((ceil(H/s)-1)*s + k - H, 0), top = floor(total/2)
                H = h.shape[-1]
                out = -(-H // c["stride"])
                tot = max((out - 1) * c["stride"] + k - H, 0)
                h = F.pad(h, (tot // 2, tot - tot // 2, tot // 2, tot - tot // 2))
            h = F.relu(F.conv2d(h, w, b, stride=c["stride"]))
            if c.get("pool"):
                h = F.max_pool2d(h, 2)
        h = h.permute(0, 2, 3, 1).flatten(1)  # flatten in NHWC order like tfjs
        for j, (w, b) in enumerate(dense):
            h = F.linear(h, w, b)
            if j < len(dense) - 1:
                h = F.relu(h)
        return F.cross_entropy(h, y)

    return params, forward


def mp_step_fn(man, A):
    spec = man["spec"]
    src = A["src"].long()
    dst = A["dst"].long()
    h0 = A["h"]
    target = A["target"]
    n = spec["nodes"]
    params = []
    layers = []
    for i in range(spec["layers"]):
        wm = A[f"mp{i}.wm"].clone().requires_grad_()
        bm = A[f"mp{i}.bm"].clone().requires_grad_()
        wu = A[f"mp{i}.wu"].clone().requires_grad_()
        params += [wm, bm, wu]
        layers.append((wm, bm, wu))

    def forward():
        h = h0
        for wm, bm, wu in layers:
            if spec.get("order", "edge") == "edge":
                msg = F.relu(h.index_select(0, src) @ wm + bm)  # message on every edge
            else:
                msg = F.relu((h @ wm).index_select(0, src) + bm)  # product on the nodes, then gathered
            agg = torch.zeros(n, msg.shape[1]).index_add_(0, dst, msg)  # segment sum at the receiver
            h = torch.tanh(agg @ wu + h)
        return ((h - target) ** 2).mean()

    return params, forward


def main():
    man, A = load(sys.argv[1])
    torch.set_num_threads(int(man.get("threads", 1)))
    params, forward = (cnn_step_fn if man["kind"] == "cnn" else mp_step_fn)(man, A)
    lr = man["lr"]
    losses = []

    def step():
        for p in params:
            p.grad = None
        loss = forward()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return float(loss)

    for _ in range(man["warmup"]):
        losses.append(step())
    print(json.dumps({"ready": True, "losses": losses, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    while True:
        line = sys.stdin.readline()
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] != "run" or len(cmd) != 2:
            raise SystemExit(f"torch_step.py: unknown command {line!r}; expected 'run K' or 'quit'")
        k = int(cmd[1])
        t0, c0 = time.perf_counter(), time.process_time()
        block = [step() for _ in range(k)]
        wall = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
        print(json.dumps({"wall_ms": wall, "cpu_ms": cpu, "losses": block}), flush=True)

if __name__ == "__main__":
    main()
