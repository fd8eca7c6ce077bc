#!/usr/bin/env python3
"""Writes the generated data the README's sequence examples use, from fixed seeds:

- data/waves.csv: seed 002's sine waves, 200 rows of 101 points each,
  amplitude * sin(x * frequency - phase) at x = 0..100 with the blog's ranges
  (phase 0-100, frequency 0.03-0.5, amplitude 0.1-10);
- data/series.csv: two sensors over 300 time steps (columns s1, s2), a slow sine and a
  faster cosine with a little noise, and a burst at steps 201-206 (1-based) that moves
  both off their pattern: the rows a detector should find.

Usage: python3 scripts/make-example-data.py   (from the repository root; standard library only)
"""
import math
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def waves(path, count=200, seed=2):
    rng = random.Random(seed)
    with open(path, "w") as out:
        out.write(",".join("x%d" % x for x in range(101)) + "\n")
        for _ in range(count):
            phase, frequency, amplitude = rng.uniform(0, 100), rng.uniform(0.03, 0.5), rng.uniform(0.1, 10)
            out.write(",".join("%.6g" % (amplitude * math.sin(x * frequency - phase)) for x in range(101)) + "\n")


def series(path, steps=300, seed=1):
    rng = random.Random(seed)
    with open(path, "w") as out:
        out.write("s1,s2\n")
        for t in range(1, steps + 1):
            s1 = math.sin(2 * math.pi * t / 50) + rng.gauss(0, 0.05)
            s2 = 0.5 * math.cos(2 * math.pi * t / 30) + rng.gauss(0, 0.05)
            if 201 <= t <= 206:
                s1, s2 = s1 + 2.5, s2 - 2.0
            out.write("%.6g,%.6g\n" % (s1, s2))


if __name__ == "__main__":
    waves(os.path.join(ROOT, "data", "waves.csv"))
    series(os.path.join(ROOT, "data", "series.csv"))
    print("wrote data/waves.csv (200 waves of 101 points) and data/series.csv (2 sensors, 300 steps)")
