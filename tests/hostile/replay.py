#!/usr/bin/env python3
"""Replays families of hostile inputs and faults against the `hourglass` command and
counts the outcomes. Every run must end in one of the outcomes its family allows: a
result (status 0), the user's error (status 2, one line on stderr), or for signals the
work saved and 128 + the signal. A crash, an internal error (status 1), a message of
more than one line or a lost model is a failure.

Usage: replay.py HOURGLASS SOURCE_DIR WORK_DIR [--runs N] [--seed S]
(CTest runs the quick form; `make hostile` a longer one.)
"""
import argparse
import gzip
import json
import os
import random
import signal
import struct
import subprocess
import sys
import time
from collections import Counter


def run(hourglass, args, timeout=120):
    result = subprocess.run([hourglass] + args, capture_output=True, timeout=timeout)
    return result.returncode, result.stderr.decode(errors="replace")


def outcome(status, err):
    """The outcome's name: 'ok', 'error' (status 2, one line) or what went wrong."""
    if status == 0:
        return "ok"
    if status == 2:
        return "error" if err.count("\n") == 1 and err.startswith("hourglass: error: ") else "error, not one line"
    if status < 0:
        return "killed by " + signal.Signals(-status).name
    return "status %d" % status


def flipped(data, rng, flips):
    data = bytearray(data)
    for _ in range(flips):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


class Replay:
    def __init__(self, hourglass, source, work, runs, rng):
        self.hourglass, self.source, self.work, self.runs, self.rng = hourglass, source, work, runs, rng
        self.counts = {}
        self.failures = []

    def path(self, name):
        return os.path.join(self.work, name)

    def record(self, family, name, allowed, args, detail=""):
        status, err = run(self.hourglass, args)
        got = outcome(status, err)
        self.counts.setdefault(family, Counter())[got] += 1
        if got not in allowed:
            self.failures.append("%s: %s -> %s %s%s" % (family, name, got, err.strip()[:300], detail))

    def model_files(self, iris, model):
        original = open(model, "rb").read()
        target = self.path("damaged.hgm")
        for i in range(self.runs):
            open(target, "wb").write(flipped(original, self.rng, self.rng.choice([1, 1, 2, 8])))
            self.record("model, flipped bits", "run %d" % i, {"error"},
                        ["encode", target, iris, "--label", "Species", "-o", self.path("codes.csv")])
        for i in range(self.runs // 2):
            open(target, "wb").write(original[: self.rng.randrange(len(original))])
            self.record("model, truncated", "run %d" % i, {"error"},
                        ["encode", target, iris, "--label", "Species"])

    def checkpoints(self, iris, checkpoint):
        original = open(checkpoint, "rb").read()
        target = self.path("damaged.ckpt")
        for i in range(self.runs // 2):
            open(target, "wb").write(flipped(original, self.rng, 1))
            self.record("checkpoint, flipped bit, --resume", "run %d" % i, {"error"},
                        ["train", iris, "--label", "Species", "--network", "2", "--epochs", "4", "--quiet",
                         "--resume", target, "-o", self.path("resumed.hgm")])

    def csv_files(self, iris):
        text = open(iris, "rb").read()
        target = self.path("damaged.csv")
        for i in range(self.runs):
            kind = i % 4
            if kind == 0:
                data = flipped(text, self.rng, self.rng.choice([1, 4, 32]))
            elif kind == 1:
                data = text[: self.rng.randrange(len(text))]
            elif kind == 2:
                data = bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(1, 2000)))
            else:
                lines = text.split(b"\n")
                self.rng.shuffle(lines)
                data = b"\n".join(lines[: self.rng.randrange(1, len(lines))])
            open(target, "wb").write(data)
            self.record("CSV, damaged", "run %d" % i, {"ok", "error"}, ["pca", target, "--dim", "1"])

    def npy_and_idx(self):
        rows, cols = 50, 4
        header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
        header += " " * (63 - (10 + len(header)) % 64) + "\n"
        npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()
        npy += struct.pack("<%df" % (rows * cols), *[self.rng.random() for _ in range(rows * cols)])
        idx = b"\x00\x00\x08\x02" + struct.pack(">II", rows, cols) + bytes(self.rng.randrange(256) for _ in range(rows * cols))
        for i in range(self.runs // 2):
            target = self.path("damaged.npy")
            open(target, "wb").write(flipped(npy[:128], self.rng, 2) + npy[128:])
            self.record("npy, damaged header", "run %d" % i, {"ok", "error"}, ["pca", target, "--dim", "1"])
            target = self.path("damaged.idx" + (".gz" if i % 2 else ""))
            data = flipped(idx[:12], self.rng, 1) + idx[12:]
            open(target, "wb").write(gzip.compress(data) if i % 2 else data)
            self.record("IDX, damaged header", "run %d" % i, {"ok", "error"}, ["pca", target, "--dim", "1"])

    def signals(self, iris):
        choices = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
        for i in range(max(3, self.runs // 10)):
            sig = choices[i % 3]
            model, history = self.path("signalled.hgm"), self.path("signalled.csv")
            for path in (model, history):
                if os.path.exists(path):
                    os.remove(path)
            process = subprocess.Popen(
                [self.hourglass, "train", iris, "--label", "Species", "--network", "2", "--epochs", "1000000",
                 "--batch-size", "1", "--quiet", "--history-csv", history, "--checkpoint", self.path("signalled.ckpt"),
                 "-o", model], stderr=subprocess.PIPE)
            deadline = time.time() + 60
            while not (os.path.exists(history) and os.path.getsize(history) > 0) and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(self.rng.random() * 0.5)
            process.send_signal(sig)
            if i % 2:  # a second signal soon after: it must wait for the save
                time.sleep(self.rng.random() * 0.1)
                process.send_signal(sig)
            err = process.communicate(timeout=120)[1].decode(errors="replace")
            status = process.returncode
            got = "saved, 128 + signal" if status == 128 + sig else outcome(status, err)
            if got == "saved, 128 + signal":
                check, check_err = run(self.hourglass, ["history", model])
                if check != 0:
                    got = "model lost: " + check_err.strip()
            leftovers = [name for name in os.listdir(self.work) if ".hourglass-" in name]
            if leftovers:
                got = "temporary files left"
            self.counts.setdefault("signals during training", Counter())[got] += 1
            if got != "saved, 128 + signal":
                self.failures.append("signals: %s -> %s %s" % (sig.name, got, err.strip()[:300]))

    def encodings(self, iris):
        """Tables whose text is not UTF-8: refused in one line unless --encoding names a
        single-byte encoding, in which every byte is a character."""
        lines = open(iris, "rb").read().split(b"\n")
        target = self.path("encoded.csv")
        for i in range(self.runs // 2):
            damaged = list(lines)
            for _ in range(self.rng.randrange(1, 4)):
                row = self.rng.randrange(len(damaged) - 1)
                damaged[row] += bytes([self.rng.randrange(0x80, 0x100)])  # a byte ASCII lacks, in a name
            open(target, "wb").write(b"\n".join(damaged))
            flags = ["--encoding", "latin1"] if i % 2 else []
            self.record("CSV, text not UTF-8" + (", --encoding latin1" if flags else ""), "run %d" % i,
                        {"ok", "error"} if flags else {"error"},
                        ["train", target, "--network", "2", "--epochs", "1", "--quiet", "-o", self.path("enc.hgm")]
                        + flags)

    def server(self):
        """Hostile requests against `hourglass serve`: each gets an answer, and the server
        answers an ordinary request after all of them."""
        import http.client
        folder = self.path("serve")
        os.makedirs(folder, exist_ok=True)
        process = subprocess.Popen([self.hourglass, "serve", "--port", "0", "--dir", folder, "--stop-after", "600"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        address = process.stdout.readline()  # "Hourglass web interface on http://127.0.0.1:PORT/ ..."
        port = int(address.split("http://127.0.0.1:")[1].split("/")[0])
        deep = "{\"dataset\":" + "[" * 100000 + "]" * 100000 + "}"
        requests = [("POST", "/api/trainings", deep, {}), ("GET", "/api/models/%c0%ae%c0%ae%c0%afetc%c0%afpasswd", "", {}),
                    ("GET", "/api/datasets", "", {"Host": "127.0.0.1:1@evil.example"}),
                    ("GET", "/api/datasets", "", {"Host": "evil.example"})]
        for i in range(self.runs // 2):
            garbage = bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(1, 200))).decode("latin1")
            requests.append(("POST", "/api/trainings", garbage, {}))
            requests.append(("GET", "/api/models/" + "".join("%%%02x" % self.rng.randrange(256) for _ in range(8)), "", {}))
        for method, path, body, headers in requests:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            headers = {"X-Requested-With": "hourglass", "Content-Type": "application/json", **headers}
            try:
                connection.request(method, path, body=body.encode("latin1"), headers=headers)
                answer = connection.getresponse()
                got = "refused" if 400 <= answer.status < 500 else "status %d" % answer.status
            except (OSError, http.client.HTTPException) as error:
                got = "no answer: %s" % error
            connection.close()
            self.counts.setdefault("server, hostile requests", Counter())[got] += 1
            if got != "refused":
                self.failures.append("server: %s %s -> %s" % (method, path[:60], got))
        self.server_burst(port)
        alive = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        alive.request("GET", "/api/datasets")
        if alive.getresponse().status != 200:
            self.failures.append("server: no answer after the hostile requests")
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=120)

    def server_burst(self, port):
        """A burst at once while a training runs: 30 event streams (24 are kept, the rest
        refused with 503) and 170 GETs from clients that then keep their sockets open.
        Every GET is answered within 10 s; none waits for idle sockets to time out."""
        import concurrent.futures
        import http.client
        import uuid
        page = {"X-Requested-With": "hourglass"}
        boundary = uuid.uuid4().hex
        iris = open(os.path.join(self.source, "data", "iris.csv"), "rb").read()
        body = (b"--" + boundary.encode() + b'\r\nContent-Disposition: form-data; name="file"; filename="iris.csv"'
                b"\r\n\r\n" + iris + b"\r\n--" + boundary.encode() + b"--\r\n")
        setup = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        setup.request("POST", "/api/datasets", body=body,
                      headers={**page, "Content-Type": "multipart/form-data; boundary=" + boundary})
        setup.getresponse().read()
        setup.request("POST", "/api/trainings", headers={**page, "Content-Type": "application/json"},
                      body='{"dataset": "iris.csv", "network": "4,2:tanh", "epochs": 100000, "batch_size": 2}')
        training = json.loads(setup.getresponse().read())["id"]
        kept = []

        def one(kind):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            kept.append(connection)  # open until the burst is over: a stream, or an idle keep-alive socket
            try:
                connection.request("GET", "/api/trainings/%d/events" % training if kind == "stream" else "/api/options")
                answer = connection.getresponse()
                if kind == "get":
                    answer.read()
                return "%s: status %d" % (kind, answer.status)
            except (OSError, http.client.HTTPException) as error:
                return "%s: no answer within 10 s (%s)" % (kind, type(error).__name__)

        kinds = ["stream"] * 30 + ["get"] * 170
        self.rng.shuffle(kinds)
        with concurrent.futures.ThreadPoolExecutor(len(kinds)) as pool:
            for got in pool.map(one, kinds):
                self.counts.setdefault("server, a burst of 170 GETs and 30 streams", Counter())[got] += 1
                if got not in ("get: status 200", "stream: status 200", "stream: status 503"):
                    self.failures.append("server burst: " + got)
        for connection in kept:
            connection.close()
        setup.request("POST", "/api/trainings/%d/stop" % training, headers=page, body="")
        setup.getresponse().read()

    def orphaned_ranks(self, iris):
        """The launcher of --nproc 2 killed while its ranks train: they end with it, and
        the output file the user had is untouched."""
        for i in range(max(1, self.runs // 20)):
            output, history = self.path("ranks.hgm"), self.path("ranks.csv")
            open(output, "wb").write(b"the user's earlier model")
            if os.path.exists(history):
                os.remove(history)
            launcher = subprocess.Popen([self.hourglass, "train", iris, "--label", "Species", "--network", "2",
                                         "--epochs", "1000000", "--batch-size", "1", "--quiet", "--nproc", "2",
                                         "--history-csv", history, "-o", output], stderr=subprocess.PIPE)
            deadline = time.time() + 300
            while not os.path.exists(history) and launcher.poll() is None and time.time() < deadline:
                time.sleep(0.05)
            if launcher.poll() is not None:
                err = launcher.communicate()[1].decode(errors="replace")
                if "distributed" in err:  # a build without Gloo: nothing to launch
                    return
            ranks = subprocess.run(["sh", "-c", "cat /proc/%d/task/*/children" % launcher.pid],
                                   capture_output=True, text=True).stdout.split()
            launcher.kill()
            launcher.wait()
            deadline = time.time() + 60
            while time.time() < deadline and any(os.path.exists("/proc/%s/exe" % pid) for pid in ranks):
                time.sleep(0.05)
            alive = [pid for pid in ranks if os.path.exists("/proc/%s/exe" % pid)]
            for pid in alive:
                os.kill(int(pid), signal.SIGKILL)
            got = "ranks ended, output kept"
            if alive:
                got = "ranks outlived the launcher"
            elif open(output, "rb").read() != b"the user's earlier model":
                got = "output replaced"
            self.counts.setdefault("ranks, launcher killed", Counter())[got] += 1
            if got != "ranks ended, output kept":
                self.failures.append("ranks: run %d -> %s" % (i, got))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hourglass")
    parser.add_argument("source")
    parser.add_argument("work")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    a = parser.parse_args()
    os.makedirs(a.work, exist_ok=True)
    replay = Replay(os.path.abspath(a.hourglass), a.source, a.work, a.runs, random.Random(a.seed))
    iris = os.path.join(a.source, "data", "iris.csv")
    model, checkpoint = replay.path("good.hgm"), replay.path("good.ckpt")
    status, err = run(replay.hourglass, ["train", iris, "--label", "Species", "--network", "3,2", "--optimizer",
                                         "adam", "--epochs", "2", "--early-stopping", "5", "--quiet", "--checkpoint",
                                         checkpoint, "-o", model])
    if status != 0:
        sys.exit("could not train the model to damage: " + err)
    replay.model_files(iris, model)
    replay.checkpoints(iris, checkpoint)
    replay.csv_files(iris)
    replay.npy_and_idx()
    replay.signals(iris)
    replay.encodings(iris)
    replay.server()
    replay.orphaned_ranks(iris)
    total = 0
    for family, counts in replay.counts.items():
        runs = sum(counts.values())
        total += runs
        print("%-36s %4d runs: %s" % (family, runs, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    print("%d runs, %d failures" % (total, len(replay.failures)))
    for failure in replay.failures[:20]:
        print("FAIL " + failure)
    sys.exit(1 if replay.failures else 0)


if __name__ == "__main__":
    main()
