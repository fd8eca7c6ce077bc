"""The peer of the benchmark suite: each model written in PyTorch the way its tutorials
write it (nn.Sequential or an nn.Module, DataLoader, torch.optim), run by Debian's
python3-torch. Each command prints one JSON object, like hourglass_bench.

    python3 bench/peer.py train MODEL MNIST_DIR EPOCHS ROWS [fp32|bf16] [BATCH]
    python3 bench/peer.py gemm N [fp32|bf16] [SECONDS]
    python3 bench/peer.py iris CSV EPOCHS      (bench 4: the whole process is timed)
"""
import gzip
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn

# The same threads as Hourglass (every core): Debian's build starts with one, which
# would make the comparison meaningless.
torch.set_num_threads(os.cpu_count())
torch.manual_seed(1)


def mnist(path):
    with gzip.open(path) as f:
        data = f.read()
    images = torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8)
    return (images.float() / 255).view(-1, 1, 28, 28)


class Vae(nn.Module):
    """Seed 000's VAE: 784-256 elu-(mean, log variance 10)-256 elu-784 sigmoid."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ELU())
        self.mean = nn.Linear(256, 10)
        self.log_var = nn.Linear(256, 10)
        self.decoder = nn.Sequential(nn.Linear(10, 256), nn.ELU(), nn.Linear(256, 784), nn.Sigmoid())

    def forward(self, x):
        h = self.hidden(x)
        mean, log_var = self.mean(h), self.log_var(h)
        z = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
        return self.decoder(z), mean, log_var


def vae_loss(output, x):
    reconstruction, mean, log_var = output
    bce = nn.functional.binary_cross_entropy(reconstruction, x.flatten(1), reduction="sum")
    kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp())
    return (bce + kl) / x.size(0)


WAVE_STEPS = 101


def sine_waves(rows, first):
    """bench.cpp's sine waves: seed 002's, with parameters from fractional parts, / 10."""
    waves = torch.empty(rows, WAVE_STEPS)
    x = torch.arange(WAVE_STEPS, dtype=torch.float64)
    for i in range(rows):
        n = float(first + i + 1)
        phase = 100 * math.modf(n * 0.6180339887)[0]
        frequency = 0.03 + 0.47 * math.modf(n * 0.7548776662)[0]
        amplitude = 0.1 + 9.9 * math.modf(n * 0.5698402910)[0]
        waves[i] = (amplitude * torch.sin(x * frequency - phase) / 10).float()
    return waves


class LstmAutoencoder(nn.Module):
    """Seed 002 as Keras writes it: LSTM(32, sequences) - LSTM(3) - RepeatVector(101) -
    LSTM(32, sequences) - TimeDistributed(Dense(1))."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(1, 32, batch_first=True)
        self.code = nn.LSTM(32, 3, batch_first=True)
        self.decoder = nn.LSTM(3, 32, batch_first=True)
        self.output = nn.Linear(32, 1)

    def forward(self, x):
        steps = x.unsqueeze(2)
        code = self.code(self.encoder(steps)[0])[0][:, -1]
        repeated = code.unsqueeze(1).expand(-1, WAVE_STEPS, -1)
        return self.output(self.decoder(repeated)[0]).squeeze(2)


def model_and_loss(name):
    if name == "dense":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 392), nn.ReLU(), nn.Linear(392, 10), nn.ReLU(),
                              nn.Linear(10, 392), nn.ReLU(), nn.Linear(392, 784), nn.Sigmoid())
        return model, lambda output, x: nn.functional.mse_loss(output, x.flatten(1))
    if name == "conv":
        def conv(a, b):
            return nn.Conv2d(a, b, 3, padding=1)
        model = nn.Sequential(conv(1, 16), nn.ReLU(), nn.MaxPool2d(2), conv(16, 8), nn.ReLU(), nn.MaxPool2d(2),
                              conv(8, 8), nn.ReLU(), nn.Upsample(scale_factor=2), conv(8, 16), nn.ReLU(),
                              nn.Upsample(scale_factor=2), conv(16, 1), nn.Sigmoid())
        return model, nn.functional.binary_cross_entropy
    if name == "vae":
        return Vae(), vae_loss
    if name == "lstm":
        return LstmAutoencoder(), nn.functional.mse_loss
    raise SystemExit("model must be dense, conv, vae or lstm")


def reconstruction(model, x):
    output = model(x)
    return (output[0] if isinstance(output, tuple) else output).reshape(x.size(0), -1)


def train(name, folder, epochs, rows, precision="fp32", batch=128):
    waves = name == "lstm"
    if waves:
        x = sine_waves(rows, 0)
    else:
        x = mnist(os.path.join(folder, "train-images-idx3-ubyte.gz"))
        x = x.repeat((rows + x.size(0) - 1) // x.size(0), 1, 1, 1)[:rows].contiguous()
    model, loss_fn = model_and_loss(name)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x), batch_size=batch, shuffle=True)
    bf16 = precision == "bf16"
    epoch_seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        for (inputs,) in loader:
            optimizer.zero_grad()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                output = model(inputs)
            output = tuple(o.float() for o in output) if isinstance(output, tuple) else output.float()
            loss = loss_fn(output, inputs)
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)
    test = sine_waves(1000, rows) if waves else mnist(os.path.join(folder, "t10k-images-idx3-ubyte.gz"))
    model.eval()
    with torch.no_grad():
        test_mse = nn.functional.mse_loss(reconstruction(model, test), test.flatten(1)).item()
    steady = epoch_seconds[1:] or epoch_seconds
    print(json.dumps({"epoch_seconds": epoch_seconds, "samples_per_second": rows / statistics.median(steady),
                      "test_mse": test_mse, "threads": torch.get_num_threads()}))


def gemm(n, precision="fp32", seconds=1.0):
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    c = torch.mm(a, b)
    for _ in range(3):
        torch.mm(a, b, out=c)
    products, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.mm(a, b, out=c)
        products += 1
    print(json.dumps({"gflops": 2 * n ** 3 * products / (time.perf_counter() - start) / 1e9}))


def iris(path, epochs):
    """What `hourglass autoencode iris.csv --dim 2` does: read, train 4-2-4, encode, write."""
    import csv
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    x = torch.tensor([[float(v) for v in row[:4]] for row in rows])
    model = nn.Sequential(nn.Linear(4, 2), nn.Linear(2, 4))
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x), batch_size=32, shuffle=True)
    for _ in range(epochs):
        for (inputs,) in loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(inputs), inputs)
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        code = model[0](x)
    with open(os.devnull, "w") as out:
        csv.writer(out).writerows(code.tolist())
    print(json.dumps({"loss": loss.item()}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "train":
        train(args[0], args[1], int(args[2]), int(args[3]), *args[4:5], *[int(a) for a in args[5:6]])
    elif command == "gemm":
        gemm(int(args[0]), *args[1:2], *[float(a) for a in args[2:3]])
    elif command == "iris":
        iris(args[0], int(args[1]))
    else:
        raise SystemExit(__doc__)
