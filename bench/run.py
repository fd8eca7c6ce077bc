"""Runs the benchmark suite: Hourglass (build/hourglass_bench, build/hourglass) against the
same work in PyTorch (bench/peer.py), alternating ours and the peer's runs, and writes
the ratios of medians into bench/README.md between the results markers.

    python3 bench/run.py [--quick] [--mnist ../shared/data/mnist] [--build build]

`make bench` runs it with --quick (about two minutes); without --quick each benchmark
runs longer and the scaling and memory runs go to 10^6 rows and a 2 GB file.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"  # Debian's, where python3-torch lives
BEGIN, END = "<!-- results: written by bench/run.py -->", "<!-- end of results -->"


def run_json(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def wall_seconds(command):
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def alternate(rounds, ours, peer):
    """Runs ours then the peer, `rounds` times; returns both lists of results."""
    mine, theirs = [], []
    for _ in range(rounds):
        mine.append(ours())
        theirs.append(peer())
    return mine, theirs


def steady(results):
    """Every epoch but each run's first (warm-up), pooled over the runs."""
    return [s for r in results for s in (r["epoch_seconds"][1:] or r["epoch_seconds"])]


class Suite:
    def __init__(self, args):
        self.args = args
        self.bench = os.path.join(args.build, "hourglass_bench")
        self.cli = os.path.join(args.build, "hourglass")
        self.rows = []  # (benchmark, measure, ours, peer, ratio, target)
        self.notes = []

    def ours(self, *args):
        return run_json([self.bench, *map(str, args)])

    def peer(self, *args):
        return run_json([PYTHON, os.path.join(HERE, "peer.py"), *map(str, args)])

    def add(self, benchmark, measure, ours, peer, ratio, target=""):
        self.rows.append((benchmark, measure, ours, peer, ratio, target))
        print(f"{benchmark:34} {measure:40} ours {ours:>14} peer {peer:>14} ratio {ratio:>7} {target}", flush=True)

    def training(self, label, model, epochs, rows, rounds, precision="fp32", peer_precision="fp32",
                 batch=128, target=""):
        mnist = self.args.mnist
        mine, theirs = alternate(
            rounds,
            lambda: self.ours("train", model, mnist, epochs, rows, precision, batch),
            lambda: self.peer("train", model, mnist, epochs, rows, peer_precision, batch))
        ours_s, peer_s = statistics.median(steady(mine)), statistics.median(steady(theirs))
        self.add(label, f"samples/s ({precision} vs {peer_precision}, batch {batch})", f"{rows / ours_s:,.0f}",
                 f"{rows / peer_s:,.0f}", f"{peer_s / ours_s:.2f}x", target)
        ours_mse = statistics.median(r["test_mse"] for r in mine)
        peer_mse = statistics.median(r["test_mse"] for r in theirs)
        self.add(label, f"test MSE after {epochs} epochs", f"{ours_mse:.4f}", f"{peer_mse:.4f}",
                 f"{ours_mse / peer_mse:.2f}", "ours <= 1.02x peer" if model == "dense" else "")
        return mine

    def run(self):
        quick = self.args.quick
        rounds = 3
        # 1. The dense MNIST autoencoder of seed 003.
        epochs = 3 if quick else 10
        self.training("1 dense AE (seed 003)", "dense", epochs, 60000, rounds, target=">= 1.3x")
        self.training("1 dense AE (seed 003)", "dense", epochs, 60000, rounds, "bf16", target=">= 2x")
        self.training("1 dense AE (seed 003)", "dense", epochs, 60000, rounds, "bf16", "bf16")
        # 2. ruta's convolutional autoencoder.
        self.training("2 conv AE (ruta)", "conv", 4, 6000 if quick else 20000, rounds, target=">= 1.1x")
        # 3. Seed 000's VAE.
        self.training("3 VAE (seed 000)", "vae", epochs, 60000, rounds, target=">= 1.1x")
        # 3b. Seed 002's LSTM autoencoder on sine waves (issue 17's target: >= 1.3x at equal MSE).
        self.training("3b LSTM AE (seed 002)", "lstm", 3 if quick else 10, 2000, rounds, batch=32, target=">= 1.3x")
        # 4. Small data, whole processes.
        self.iris(5 if quick else 15)
        # 5. The ceiling and what benchmark 1 reaches of it.
        self.ceiling(1.0 if quick else 3.0)
        # 6. Scaling in rows and in width.
        self.scaling([10_000, 30_000, 100_000] if quick else [10_000, 100_000, 1_000_000],
                     [128, 392, 1024] if quick else [128, 392, 1024, 2048])
        # Memory: training from a memory-mapped .npy larger than the memory we allow.
        self.memory(250_000 if quick else 680_000)
        # 7. The PCA baseline on wide data (seed 004's 80x80x3 images): the Gram matrix of
        # the rows against the covariance of the columns, which Hourglass 0.1 always used.
        self.pca(4800)

    def iris(self, runs):
        csv = os.path.join(ROOT, "data", "iris.csv")
        ours_cmd = [self.cli, "autoencode", csv, "--dim", "2", "--label", "Species", "--epochs", "20", "-q",
                    # the peer's optimizer and no scaling (ruta's defaults), not the command's own
                    "--scale", "none", "--optimizer", "rmsprop", "--lr", "0.001",
                    "-o", os.devnull]
        peer_cmd = [PYTHON, os.path.join(HERE, "peer.py"), "iris", csv, "20"]
        mine, theirs = alternate(runs, lambda: wall_seconds(ours_cmd), lambda: wall_seconds(peer_cmd))
        ours_s, peer_s = statistics.median(mine), statistics.median(theirs)
        self.add("4 iris autoencode (150x4)", "whole process, 20 epochs", f"{ours_s:.3f} s", f"{peer_s:.3f} s",
                 f"{peer_s / ours_s:.2f}x", "< 0.5 s, >= 1.8x")

    def ceiling(self, seconds):
        fp32 = statistics.median(self.ours("gemm", 1024, "fp32", seconds)["gflops"] for _ in range(3))
        bf16 = statistics.median(self.ours("gemm", 1024, "bf16", seconds)["gflops"] for _ in range(3))
        self.add("5 GEMM ceiling (1024^3)", "fp32 GFLOP/s (OpenBLAS)", f"{fp32:.0f}", "", "")
        self.add("5 GEMM ceiling (1024^3)", "bf16 GFLOP/s (oneDNN)", f"{bf16:.0f}", "", f"{bf16 / fp32:.2f}x fp32")
        runs = [self.ours("train", "dense", self.args.mnist, 3, 60000, "fp32", 256) for _ in range(2)]
        achieved = statistics.median(r["gflops"] for r in runs)
        self.add("5 bench 1 in GFLOP/s", "fp32, batch 256 (fwd + bwd products)", f"{achieved:.0f}", "",
                 f"{100 * achieved / fp32:.0f}% of fp32", ">= 65%")

    def scaling(self, row_counts, widths):
        for rows in row_counts:
            r = self.ours("train", "dense", self.args.mnist, 2, rows, "fp32")
            seconds = r["epoch_seconds"][-1]
            self.add("6 scaling in rows (dense, fp32)", f"{rows:,} rows: s/epoch", f"{seconds:.2f}", "",
                     f"{1e6 * seconds / rows:.1f} us/row", "linear")
        for width in widths:
            r = self.ours("train", "dense", self.args.mnist, 2, 10_000, "fp32", 128, width)
            self.add("6 scaling in width (10^4 rows)", f"784-{width}-10-{width}-784: s/epoch",
                     f"{r['epoch_seconds'][-1]:.3f}", "", f"{r['gflops']:.0f} GFLOP/s")

    def memory(self, rows):
        with tempfile.TemporaryDirectory(dir=self.args.scratch) as scratch:
            path = os.path.join(scratch, "rows.npy")
            subprocess.run([PYTHON, "-c", MAKE_NPY, self.args.mnist, path, str(rows)], check=True)
            gigabytes = os.path.getsize(path) / 1e9
            r = self.ours("npy", path, 1)
        self.add(f"memory: {gigabytes:.1f} GB memory-mapped .npy", f"peak RSS, 1 epoch of {rows:,} rows",
                 f"{r['peak_rss_mb']:.0f} MB", "", "", "< 500 MB")

    def pca(self, width):
        gram = self.ours("pca", 200, width, 10)
        covariance = self.ours("pca", 200, width, 10, "covariance")
        self.add(f"7 PCA baseline, 200 x {width}", "seconds (Gram vs covariance)", f"{gram['seconds']:.2f}",
                 f"{covariance['seconds']:.2f}", f"{covariance['seconds'] / gram['seconds']:.0f}x",
                 "same variance")
        self.add(f"7 PCA baseline, 200 x {width}", "peak RSS (Gram vs covariance)", f"{gram['peak_rss_mb']:.0f} MB",
                 f"{covariance['peak_rss_mb']:.0f} MB", "", "")
        wide = self.ours("pca", 200, 19200, 10)
        self.add("7 PCA baseline, 200 x 19200", "seconds, peak RSS (seed 004's images)", f"{wide['seconds']:.2f} s",
                 "", f"{wide['peak_rss_mb']:.0f} MB", "522 s, 11.8 GB before")

    def table(self):
        lines = ["| benchmark | measure | Hourglass | PyTorch | ratio | target |", "|---|---|---:|---:|---:|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


MAKE_NPY = """
import gzip, sys, numpy as np
with gzip.open(sys.argv[1] + '/train-images-idx3-ubyte.gz') as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
rows = int(sys.argv[3])
out = np.lib.format.open_memmap(sys.argv[2], mode='w+', dtype=np.float32, shape=(rows, 784))
for i in range(0, rows, len(x)):
    out[i:i + len(x)] = x[:rows - i]
out.flush()
"""


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    torch_version = subprocess.run([PYTHON, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                                   text=True).stdout.strip()
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    blas = f"; OpenBLAS kernels pinned by OPENBLAS_CORETYPE={pinned}" if pinned else ""
    return f"{cpu}, {os.cpu_count()} cores; PyTorch {torch_version} (Debian python3-torch){blas}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs (about two minutes)")
    parser.add_argument("--mnist", default=os.path.join(ROOT, "..", "shared", "data", "mnist"))
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--scratch", default=None, help="folder for the memory benchmark's .npy file")
    parser.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    args = parser.parse_args()
    suite = Suite(args)
    started = time.time()
    suite.run()
    header = (f"Run on {time.strftime('%Y-%m-%d')} with `python3 bench/run.py{' --quick' if args.quick else ''}` "
              f"({time.time() - started:.0f} s) on {machine()}. Ratios are the peer's median time over ours "
              f"(higher is better for us), from runs alternated in one session.")
    with open(args.readme) as f:
        text = f.read()
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    with open(args.readme, "w") as f:
        f.write(f"{before}{BEGIN}\n{header}\n\n{suite.table()}\n{END}{after}")
    print(f"bench: results written to {args.readme}")


if __name__ == "__main__":
    main()
