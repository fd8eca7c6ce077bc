#!/usr/bin/env bash
# Installs, with apt, everything Hourglass needs to build, test and run, then with npm
# (offline once installed) ONNX Runtime for the export tests (tools/onnx) and the
# front-end packages of web/package-lock.json (the charting library compiled into
# reports, and the browser driver of the tests).
# Idempotent: does nothing when every package is already there.
# Usage (as root, or with sudo available): scripts/install-deps.sh [bench | docs]
# With "bench", also what `make bench` needs: the PyTorch peer and the profiler; with
# "docs", roxygen2 for `make r-docs` (the R help pages in r/man are committed).
set -euo pipefail

packages=(
  build-essential cmake make ninja-build pkg-config ccache
  libtorch-dev            # tensors, autograd, layers, optimizers (CPU, 1.13)
  libopenblas0-openmp     # fast BLAS behind libblas.so.3 (the reference one is ~10x slower)
  libcli11-dev            # command-line parsing
  nlohmann-json3-dev      # model metadata, configs
  libfast-float-dev       # exact and fast number parsing in CSV
  libstb-dev              # PNG output
  zlib1g-dev              # gzip-compressed IDX files
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev   # make fuzz: libFuzzer targets with ASan and UBSan
  r-base-dev r-cran-rcpp  # the R package in r/ (Rcpp bindings to the library)
  r-cran-testthat r-cran-magrittr r-cran-mass   # its tests, the %>% pipe, MASS::Boston
  libonnx-dev libprotobuf-dev   # ONNX export: the protobuf classes, checker and shape inference (opset 17)
  python3-onnx            # the export tests check the files with ONNX's Python checker too
  libcpp-httplib-dev      # the web interface's HTTP server (hourglass serve)
  libgloo-dev             # headers of Gloo, the transport of c10d in libtorch_cpu (multi-process training)
  nodejs                  # npm installs tools/onnx's and web/'s packages; node runs ONNX Runtime and the browser tests
  chromium                # the browser the tests drive (through playwright-core)
  pybind11-dev python3-dev              # the Python package in python/ (bindings to the library)
  python3-numpy python3-pandas python3-sklearn python3-pytest   # its arrays, tables, estimator checks and tests
)
# Debian's nodejs comes without npm; a Node.js from elsewhere may bring its own.
command -v npm >/dev/null || packages+=(npm)

if [ "${1:-}" = "bench" ]; then
  packages+=(python3-torch linux-perf r-cran-mlbench)
fi
if [ "${1:-}" = "docs" ]; then
  packages+=(r-cran-roxygen2)
fi

# npm ci in DIR (relative to the repository) unless its node_modules already holds
# exactly what its package-lock.json says.
npm_install() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/$1"
  shift
  cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json" && return 0
  echo "install-deps: npm ci in $dir" >&2
  (cd "$dir" && npm ci "$@" --no-audit --no-fund --loglevel=error >&2)
  cp "$dir/package-lock.json" "$dir/node_modules/.installed-package-lock.json"
}

install_npm_packages() {
  # onnxruntime-node: --ignore-scripts, as its install script only fetches GPU
  # providers; the CPU runtime for linux-x64 is in the package itself.
  npm_install tools/onnx --ignore-scripts
  npm_install web
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_npm_packages
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_npm_packages
