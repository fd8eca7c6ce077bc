#!/usr/bin/env python3
"""Data-parallel training on one machine: 2 ranks x 1 thread against 1 rank x 2 threads.

Runs the `hourglass` command (no PyTorch needed) on a synthetic data set, reads each
run's epoch seconds from its model's history, and prints a Markdown table and the terms
of the scaling model in bench/README.md ("Many processes"):

  step time on N hosts = compute(rows per rank) + allreduce(bytes, N)
  allreduce(bytes, N)  = 2 (N - 1) latency + 2 (N - 1) / N x bytes / bandwidth   (ring)

Usage: python3 bench/distributed.py [--build build] [--epochs 4]
"""
import argparse
import array
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROWS, COLUMNS, NETWORK = 40000, 64, "256,32"


def write_npy(path, rows, columns, seed=1):
    """A float32 .npy of low-rank data plus noise, with the standard library only."""
    rng = random.Random(seed)
    basis = [[rng.gauss(0, 1) for _ in range(columns)] for _ in range(4)]
    values = array.array("f")
    for _ in range(rows):
        weights = [rng.gauss(0, 1) for _ in range(4)]
        values.extend(sum(w * b[c] for w, b in zip(weights, basis)) + 0.05 * rng.gauss(0, 1) for c in range(columns))
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, columns)
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    with open(path, "wb") as out:
        out.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())
        out.write(values.tobytes())


def train(hourglass, data, model, threads, batch, epochs, nproc=None, rows=None):
    """Trains; returns (median seconds of the epochs after the first, wall seconds)."""
    command = [hourglass, "--threads", str(threads), "train", data, "-n", NETWORK, "--optimizer", "adam",
               "--batch-size", str(batch), "--epochs", str(epochs), "--seed", "1", "-q", "--no-baseline", "-o", model]
    if nproc:
        command += ["--nproc", str(nproc)]
    if rows:
        command += ["--rows", str(rows)]
    start = time.monotonic()
    subprocess.run(command, check=True)
    wall = time.monotonic() - start
    history = subprocess.run([hourglass, "history", model, "--csv"], check=True, capture_output=True, text=True)
    seconds = [float(line.rsplit(",", 1)[1]) for line in history.stdout.splitlines()[1:]]
    return statistics.median(seconds[1:] if len(seconds) > 1 else seconds), wall


def parameters(columns, sizes):
    widths = [columns] + sizes + sizes[-2::-1] + [columns]
    return sum(a * b + b for a, b in zip(widths, widths[1:]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    hourglass = os.path.join(args.build, "hourglass")
    with tempfile.TemporaryDirectory() as folder:
        data = os.path.join(folder, "data.npy")
        write_npy(data, ROWS, COLUMNS)
        model = os.path.join(folder, "model.hgm")
        e = args.epochs
        one_by_two, _ = train(hourglass, data, model, threads=2, batch=128, epochs=e)
        two_by_one, _ = train(hourglass, data, model, threads=1, batch=64, epochs=e, nproc=2)
        one_by_one, _ = train(hourglass, data, model, threads=1, batch=64, epochs=e)
        one_by_one_half, _ = train(hourglass, data, model, threads=1, batch=64, epochs=e, rows=ROWS // 2)
        # Tiny batches: the step is nearly all allreduce (2 ranks) or nearly nothing (1).
        small = 4000
        tiny_two, _ = train(hourglass, data, model, threads=1, batch=1, epochs=e, nproc=2, rows=small)
        tiny_one, _ = train(hourglass, data, model, threads=1, batch=2, epochs=e, rows=small)

    steps = ROWS / 128
    values = parameters(COLUMNS, [int(s) for s in NETWORK.split(",")])
    step_bytes = 4 * (values + 3)
    compute = one_by_one_half / steps  # one rank's share of a step, alone on a core
    tiny_steps = small / 2
    allreduce = max(0.0, (tiny_two - tiny_one) / tiny_steps)
    print(f"load average during the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"| setup | s/epoch ({ROWS} rows x {COLUMNS}, network {NETWORK}, global batch 128) | rows/s |")
    print("|---|---:|---:|")
    for name, seconds in [("1 rank x 2 threads, batch 128", one_by_two), ("2 ranks x 1 thread, batch 64 each", two_by_one),
                          ("1 rank x 1 thread, batch 64 (one rank's work)", one_by_one)]:
        print(f"| {name} | {seconds:.3f} | {ROWS / seconds:,.0f} |")
    print()
    print(f"bytes allreduced per step: {step_bytes:,} ({values:,} gradient values + 3 counters, float32)")
    print(f"overhead of 2 ranks x 1 thread over 1 rank x 2 threads: {100 * (two_by_one / one_by_two - 1):+.0f}%")
    print(f"compute per step and rank (64 rows, 1 thread): {1e3 * compute:.3f} ms")
    print(f"allreduce per step, 2 ranks on loopback ({step_bytes:,} bytes): {1e3 * allreduce:.3f} ms "
          f"(2-rank batch-1 epochs minus 1-rank batch-2 epochs, over {tiny_steps:.0f} steps)")
    for hosts, bandwidth in [(4, 1.25e9), (16, 1.25e9), (16, 12.5e9)]:
        latency = 50e-6
        ring = 2 * (hosts - 1) * latency + 2 * (hosts - 1) / hosts * step_bytes / bandwidth
        efficiency = compute / (compute + ring)
        print(f"model: {hosts} hosts, {bandwidth * 8 / 1e9:.0f} Gbit/s, 50 us latency: allreduce {1e3 * ring:.2f} ms, "
              f"efficiency {100 * efficiency:.0f}% at 64 rows per rank")
    return 0


if __name__ == "__main__":
    sys.exit(main())
