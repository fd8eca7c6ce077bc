#!/usr/bin/python3
"""Anomaly detection on ADBench's classic tables, rebuilt from Debian's r-cran-mlbench.

    /usr/bin/python3 bench/anomaly.py [--build build] [--seeds 3] [--sets pima,breastw,...]

For each set and seed: a random 70/30 split (ADBench's protocol: unsupervised, trained on
the training rows with their outliers, AUC-ROC on the test rows), then side by side:

- hourglass: the default detector, `hourglass train DATA --contamination 0.1` with no
  network (train/detector.hpp: a first dense layer of one unit per column or per 100
  rows, whichever is more, at most 64, a code of half that, relu, z-scores, five
  networks, each batch's worst 30% of rows left out of the loss, an "(other)" level for
  unseen categories), the same command for every set, scored by
  `hourglass score`; --detector gives other options (the variations in bench/README.md);
- untrained: the same networks trained for one epoch at a learning rate of 1e-12;
- pca: PCA reconstruction error on z-scored data, half the columns kept;
- iforest: scikit-learn's IsolationForest with its defaults;
- pyod_ae: PyOD's AutoEncoder as PyTorch code ([64, 32] mirrored, relu, batch norm,
  dropout 0.2, Adam 1e-3, 10 epochs, batch 32, z-score).

Scores that are all equal are reported (PyOD once shipped a detector that scored
everything alike). Scoring throughput, on the first split of the largest set's test rows
repeated to 200,000: `Model::score` on the rows in memory (`hourglass_bench score`)
against the same ensemble's forward passes and errors in PyTorch, and against the
PyOD-style model's, on the same rows in memory, each the median of 5 after a warm-up;
and `hourglass score` as a whole command (start, reading the CSV, scoring, writing).
Results go to stdout as a Markdown table (bench/README.md).
Where this departs from ADBench: mlbench's copies of the sets (shuttle with 58,000 rows
less class 4, satellite's classes 2, 4 and 5 as outliers), missing cells of breastw kept
as they are for Hourglass and mean-filled for the others.
"""
import argparse
import csv
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from torch import nn

# name -> (mlbench data set, R expression for the 0/1 outlier column, published AUC-ROC
# of ADBench Table D4: PCA, best unsupervised)
SETS = {
    "pima": ("PimaIndiansDiabetes", "as.integer(d$diabetes == 'pos')", "diabetes", 70.77, 73.43),
    "breastw": ("BreastCancer", "as.integer(d$Class == 'malignant')", "Class,Id", 95.13, 99.68),
    "ionosphere": ("Ionosphere", "as.integer(d$Class == 'bad')", "Class,V2", 79.19, 90.72),
    "shuttle": ("Shuttle", "as.integer(d$Class != 'Rad.Flow')", "Class", 98.62, 99.56),
    "satellite": ("Satellite", "as.integer(d$classes %in% c('cotton crop', 'damp grey soil', 'vegetation stubble'))",
                  "classes", 59.62, 75.06),
    # Tables of categories with holes (issue 32), not in ADBench: Hourglass reads their
    # levels as text; the others get them one-hot with holes mean-filled.
    "votes": ("HouseVotes84", "as.integer(d$Class == 'republican')", "Class", None, None),
    "cancer": ("BreastCancer", "as.integer(d$Class == 'malignant')", "Class,Id", None, None),
}
CATEGORICAL = {"votes", "cancer"}
# What each set's rows need before they are written: shuttle without class 4 (High), as
# ADBench; the house votes with every sixth republican (28 of 168), the outliers among
# 267 democrats, since a party of 39% of the rows is not an anomaly; BreastCancer's
# levels "1" to "10" as "L1" to "L10", so that a CSV reader keeps them as text.
PREPARE = {
    "shuttle": "d <- d[d$Class != 'High', ]",
    "votes": "r <- which(d$Class == 'republican')\nd <- d[c(which(d$Class == 'democrat'), r[seq(1, length(r), 6)]), ]",
}


def export(name, folder):
    """The set as CSV: its feature columns (numbers, or levels as text for the categorical
    sets) and an `outlier` column. Returns the header, the rows as Hourglass reads them,
    the rows as numbers for the others (categories one-hot, a hole NaN in each of its
    group's columns) and the 0/1 outliers."""
    dataset, outlier, drop, _, _ = SETS[name]
    path = os.path.join(folder, name + ".csv")
    convert = ("function(v) ifelse(is.na(v), NA, paste0('L', as.character(v)))" if name == "cancer" else
               "as.character" if name in CATEGORICAL else "function(v) as.numeric(as.character(v))")
    script = f"""
suppressMessages(library(mlbench))
data({dataset}, envir = environment())
d <- {dataset}
{PREPARE.get(name, "")}
y <- {outlier}
x <- d[, setdiff(names(d), strsplit('{drop}', ',')[[1]])]
x[] <- lapply(x, {convert})
x$outlier <- y
write.csv(x, '{path}', row.names = FALSE, na = 'NA')
"""
    subprocess.run(["Rscript", "-e", script], check=True)
    with open(path) as f:
        rows = list(csv.reader(f))
    header, y = rows[0][:-1], np.array([int(r[-1]) for r in rows[1:]])
    if name not in CATEGORICAL:
        values = np.array([[float("nan") if v == "NA" else float(v) for v in r[:-1]] for r in rows[1:]])
        return header, values.astype(np.float32), values.astype(np.float32), y
    raw = np.array([[None if v == "NA" else v for v in r[:-1]] for r in rows[1:]], dtype=object)
    groups = []
    for c in range(raw.shape[1]):
        levels = sorted({v for v in raw[:, c] if v is not None})
        group = np.array([[np.nan] * len(levels) if v is None else [float(v == lv) for lv in levels]
                          for v in raw[:, c]])
        groups.append(group)
    return header, raw, np.hstack(groups).astype(np.float32), y


def write(path, header, x, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header + ["outlier"])
        for row, label in zip(x, y):
            w.writerow([cell(v) for v in row] + [int(label)])


def cell(v):
    if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)):
        return "NA"
    return v if isinstance(v, str) else repr(float(v))


THROUGHPUT_ROWS = 200_000
ENSEMBLE = 5  # networks in the default detector
# The detector's options for `hourglass train` (--detector): none, the default detector
# (train/detector.hpp), sized to each set. The recipe of 2026-11-30 was
# "--network 64,32:relu --scale zscore --ensemble 5 --trim 0.1" for every set.
DETECTOR = ""


def tiled(x):
    return np.tile(x, (THROUGHPUT_ROWS // len(x) + 1, 1))[:THROUGHPUT_ROWS]


def median_seconds(run, repeats=5):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return sorted(times)[repeats // 2]


def hourglass(binary, folder, header, train, test, seed, untrained=False, timed=False, extra_options=()):
    train_csv, test_csv = os.path.join(folder, "train.csv"), os.path.join(folder, "test.csv")
    model, scores = os.path.join(folder, "model.hgm"), os.path.join(folder, "scores.csv")
    write(train_csv, header, *train)
    write(test_csv, header, *test)
    extra = list(extra_options) + (["--epochs", "1", "--lr", "1e-12"] if untrained else [])
    # Rules to explore (the variations in bench/README.md): {half} and {quarter} of the
    # columns, rounded up; {by_rows}: a first layer of one unit per 100 training rows, at
    # least half the columns and at most 64, then a code of half that (the default of
    # 2026-12-07); {wide}: one unit per column or per 100 rows, at most 64, then half that
    # (the default since 2026-12-08); {wide2}: the same from twice the columns.
    columns, rows = len(header), len(train[1])

    def sized(least):  # a first layer of at least `least` units or one per 100 rows, at most 64; a code of half
        hidden = min(64, max(least, -(-rows // 100)))
        return f"{hidden},{-(-hidden // 2)}:relu"
    detector = DETECTOR.format(half=max(1, -(-columns // 2)), quarter=max(1, -(-columns // 4)),
                               by_rows=sized(-(-columns // 2)), wide=sized(columns), wide2=sized(2 * columns))
    subprocess.run([binary, "train", train_csv, "--label", "outlier"] + detector.split() +
                   ["--contamination", "0.1", "--seed", str(seed), "--quiet", "-o", model] + extra, check=True)
    subprocess.run([binary, "score", model, test_csv, "--label", "outlier", "-o", scores], check=True)
    with open(scores) as f:
        result = np.array([float(r["score"]) for r in csv.DictReader(f)])
    rate = None
    if timed:
        big_csv, big_npy = os.path.join(folder, "big.csv"), os.path.join(folder, "big.npy")
        write(big_csv, header, tiled(test[0]), tiled(test[1][:, None])[:, 0])
        np.save(big_npy, tiled(test[0]).astype(np.float32))
        start = time.perf_counter()
        subprocess.run([binary, "score", model, big_csv, "--label", "outlier", "-o", scores], check=True)
        command = THROUGHPUT_ROWS / (time.perf_counter() - start)
        bench = os.path.join(os.path.dirname(binary), "hourglass_bench")
        measured = subprocess.run([bench, "score", model, big_npy, "5"], check=True, capture_output=True, text=True)
        rate = (json.loads(measured.stdout)["rows_per_second"], command, hidden_widths(model))
    return result, rate


def zscored(train, test):
    mean = np.nanmean(train, 0)
    sd = np.nanstd(train, 0, ddof=1)
    sd[~(sd > 0)] = 1
    fill = lambda x: np.where(np.isnan(x), mean, x)  # noqa: E731
    return (fill(train) - mean) / sd, (fill(test) - mean) / sd


def pca_scores(train, test):
    a, b = zscored(train, test)
    pca = PCA(n_components=max(1, a.shape[1] // 2)).fit(a)
    return ((pca.inverse_transform(pca.transform(b)) - b) ** 2).mean(1)


def iforest_scores(train, test, seed):
    a, b = zscored(train, test)
    return -IsolationForest(random_state=seed).fit(a).score_samples(b)


def pyod_ae_scores(train, test, seed, timed=False):
    torch.manual_seed(seed)
    a, b = (torch.tensor(v, dtype=torch.float32) for v in zscored(train, test))
    d = a.shape[1]
    layers, sizes = [], [d, 64, 32, 64]
    for i, o in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(i, o), nn.BatchNorm1d(o), nn.ReLU(), nn.Dropout(0.2)]
    model = nn.Sequential(*layers, nn.Linear(64, d))
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    for _ in range(10):
        model.train()
        for batch in torch.utils.data.DataLoader(a, batch_size=32, shuffle=True, drop_last=True):
            optimizer.zero_grad()
            nn.functional.mse_loss(model(batch), batch).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        scores = ((model(b) - b) ** 2).mean(1).numpy()
        rate = None
        if timed:
            big = torch.tensor(tiled(b.numpy()))
            rate = THROUGHPUT_ROWS / median_seconds(lambda: ((model(big) - big) ** 2).mean(1).numpy())
    return scores, rate


def hidden_widths(model):
    """The widths of a model file's dense layers, from the learner in its header."""
    with open(model, "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    network = json.loads(header["__metadata__"]["config"])["learner"]["network"]
    return [int(w) for w in re.findall(r"dense\((\d+)", network)]


def pytorch_ensemble_rate(test, widths):
    """Rows/s of the detector's ensemble run in PyTorch: ENSEMBLE networks of its layers
    (the trained model's dense widths with relu, a linear output), each row's score the
    mean of the networks' squared errors. The weights are random: the time does not
    depend on them."""
    d = test.shape[1]

    def network():
        layers, sizes = [], [d] + widths
        for i, o in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(i, o), nn.ReLU()]
        return nn.Sequential(*layers, nn.Linear(sizes[-1], d)).eval()

    networks = [network() for _ in range(ENSEMBLE)]
    big = torch.tensor(tiled(test), dtype=torch.float32)
    with torch.no_grad():
        score = lambda: (sum(((n(big) - big) ** 2).mean(1) for n in networks) / ENSEMBLE).numpy()  # noqa: E731
        return THROUGHPUT_ROWS / median_seconds(score)


def python_scores(header, train, test, seed, timed=False):
    """The default detector through the Python API (hourglass.AutoencoderDetector with its
    defaults, the same seed): a DataFrame in, no CSV. With `timed`, its scoring rate on the
    test rows repeated to THROUGHPUT_ROWS, as a float32 array in memory."""
    import pandas as pd
    from hourglass import AutoencoderDetector

    def frame(rows):
        if rows.dtype != object:
            return pd.DataFrame(rows, columns=header)
        return pd.DataFrame({h: pd.Series(rows[:, j], dtype=object) for j, h in enumerate(header)})

    detector = AutoencoderDetector(contamination=0.1, random_state=seed).fit(frame(train))
    scores = detector.decision_function(frame(test))
    rate = None
    if timed:
        big = tiled(test).astype(np.float32)
        rate = THROUGHPUT_ROWS / median_seconds(lambda: detector.decision_function(big))
    return scores, rate


def main():
    global DETECTOR
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--detector", default=DETECTOR, help="the detector's `hourglass train` options")
    parser.add_argument("--extra", default="", help="more `hourglass train` options for both Hourglass columns, "
                        "e.g. '--epochs 50' (the variations in bench/README.md)")
    args = parser.parse_args()
    DETECTOR = args.detector
    torch.set_num_threads(os.cpu_count())
    binary = os.path.join(args.build, "hourglass")
    # The Python API's column: the default detector through hourglass.AutoencoderDetector
    # (the package in python/ and its core in the build), when the bench runs the default.
    with_python = DETECTOR == ""
    if with_python:
        sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"),
                        os.path.join(os.path.abspath(args.build), "python")]
    methods = ["hourglass", "untrained", "pca", "iforest", "pyod_ae"] + (["python"] if with_python else [])
    rows, constant, speed = [], [], None
    with tempfile.TemporaryDirectory() as folder:
        exported = {name: export(name, folder) for name in args.sets.split(",")}
        numeric = [k for k in exported if k not in CATEGORICAL]  # throughput on rows of numbers
        largest = max(numeric, key=lambda k: len(exported[k][3])) if numeric else None
        for name, (header, raw, x, y) in exported.items():
            auc = {m: [] for m in methods}
            for seed in range(args.seeds):
                order = np.random.default_rng(seed).permutation(len(y))
                cut = int(0.7 * len(y))
                tr, te = order[:cut], order[cut:]
                train, test = (x[tr], y[tr]), (x[te], y[te])
                raw_train, raw_test = (raw[tr], y[tr]), (raw[te], y[te])
                scores = {}
                timed = name == largest and seed == 0
                extra = args.extra.split()
                scores["hourglass"], ours = hourglass(binary, folder, header, raw_train, raw_test, seed, timed=timed,
                                                      extra_options=extra)
                scores["untrained"], _ = hourglass(binary, folder, header, raw_train, raw_test, seed, untrained=True,
                                                   extra_options=extra)
                scores["pca"] = pca_scores(train[0], test[0])
                scores["iforest"] = iforest_scores(train[0], test[0], seed)
                scores["pyod_ae"], theirs = pyod_ae_scores(train[0], test[0], seed, timed=timed)
                python_rate = None
                if with_python:
                    scores["python"], python_rate = python_scores(header, raw_train[0], raw_test[0], seed, timed)
                for m in methods:
                    if np.ptp(scores[m]) == 0:
                        constant.append(f"{name}/{m}/seed {seed}")
                    auc[m].append(100 * roc_auc_score(test[1], scores[m]))
                if timed:
                    speed = (ours, theirs, pytorch_ensemble_rate(zscored(train[0], test[0])[1], ours[2]), python_rate)
            _, _, _, published_pca, published_best = SETS[name]
            rows.append((name, len(y), raw.shape[1], y.mean(), {m: np.mean(v) for m, v in auc.items()}, published_pca,
                         published_best))
    print("| set | rows x cols | outliers | " + " | ".join(methods) + " | ADBench PCA / best |")
    print("|---|---|---:|" + "---:|" * len(methods) + "---|")
    for name, n, d, share, auc, p, b in rows:
        best = max(auc[m] for m in ("pca", "iforest", "pyod_ae"))
        cells = [f"**{auc[m]:.2f}**" if m == "hourglass" and auc[m] >= best else f"{auc[m]:.2f}" for m in methods]
        published = f"{p} / {b}" if p else "—"
        print(f"| {name} | {n} x {d} | {100 * share:.1f}% | " + " | ".join(cells) + f" | {published} |")
    if speed is None:
        print("\nNo throughput: no set of numbers among --sets.")
        return 0
    (ours, command, _), theirs, same, python_rate = speed
    python = (f" Through Python (`AutoencoderDetector.decision_function` on a float32 array) {python_rate:,.0f} "
              f"rows/s ({python_rate / same:.2f}x the same networks in PyTorch)." if python_rate else "")
    print(f"\nScoring {THROUGHPUT_ROWS:,} rows of {largest} in memory: Hourglass `Model::score` of the default "
          f"detector ({ENSEMBLE} networks) {ours:,.0f} rows/s; the same {ENSEMBLE} networks in PyTorch {same:,.0f} "
          f"rows/s ({ours / same:.2f}x); the PyOD-style peer (one network) {theirs:,.0f} rows/s "
          f"({ours / theirs:.2f}x). "
          f"`hourglass score` as a whole command (start, CSV in and out) {command:,.0f} rows/s.{python}")
    print("Constant scores: " + (", ".join(constant) if constant else "none"))


if __name__ == "__main__":
    sys.exit(main())
