#!/usr/bin/python3
"""Inference against ONNX Runtime: `Model::encode` and `Model::score` on rows in memory
against onnxruntime-node running the same model exported (`hourglass export --part
encoder` and `--part scorer`), on one and two threads.

    /usr/bin/python3 bench/inference.py [--build build] [--rows 20000] [--repeats 7]

The model is benchmark 1's network (784-392-10-392-784, relu, z-scores) trained for one
epoch on generated rows the width of MNIST's images (the rate does not depend on the
values). Each rate is the median of --repeats runs after a warm-up, ours and the
runtime's alternated per thread count in one session, so that the machine's noise falls
on both; twice: in the environment as it is, and without OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE for both sides (this project's machines pin OpenBLAS to Haswell's
kernels, bench/README.md). Results go to stdout as Markdown tables (bench/README.md).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NETWORK = "392,10:relu"


def run_json(command, env=None):
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)


def environments():
    """The environment as it is, and without OpenBLAS's pinning when it is pinned."""
    pinned = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    described = ", ".join(f"{k}={v}" for k, v in pinned.items()) or "OpenBLAS not pinned"
    yield f"as set ({described})", dict(os.environ)
    if pinned:
        yield "without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE", {k: v for k, v in os.environ.items() if k not in pinned}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    hourglass = os.path.join(args.build, "hourglass")
    bench = os.path.join(args.build, "hourglass_bench")
    timer = os.path.join(ROOT, "tools", "onnx", "time_onnx.js")
    with tempfile.TemporaryDirectory() as folder:
        rows = np.random.default_rng(1).random((args.rows, 784), dtype=np.float32)
        data, raw = os.path.join(folder, "rows.npy"), os.path.join(folder, "rows.f32")
        np.save(data, rows)
        rows.tofile(raw)
        model = os.path.join(folder, "model.hgm")
        subprocess.run([hourglass, "train", data, "--network", NETWORK, "--scale", "zscore", "--epochs", "1",
                        "--seed", "1", "--no-baseline", "--quiet", "-o", model], check=True)
        graphs = {}
        for part in ("encoder", "scorer"):
            graphs[part] = os.path.join(folder, part + ".onnx")
            subprocess.run([hourglass, "export", model, "--part", part, "-o", graphs[part]], check=True,
                           capture_output=True)
        for described, env in environments():
            print(f"\n{args.rows:,} rows x 784, {NETWORK}, {described}:\n")
            print("| what | threads | Hourglass rows/s | ONNX Runtime rows/s | ratio |")
            print("|---|---:|---:|---:|---:|")
            for threads in (1, 2):
                ours = run_json([bench, "infer", model, data, str(threads), str(args.repeats)], env)
                for part, key in (("encoder", "encode_rows_per_second"), ("scorer", "score_rows_per_second")):
                    theirs = run_json(["node", timer, graphs[part], f"{raw}:{args.rows}x784", str(threads),
                                       str(args.repeats)], env)["rows_per_second"]
                    name = "`Model::encode` / encoder.onnx" if part == "encoder" else "`Model::score` / scorer.onnx"
                    print(f"| {name} | {threads} | {ours[key]:,.0f} | {theirs:,.0f} | {ours[key] / theirs:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
