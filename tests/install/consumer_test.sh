#!/usr/bin/env bash
# Installs the built tree into a fresh prefix, builds examples/consumer against it as a
# separate project would (find_package(Hourglass)), and runs it.
# Usage: consumer_test.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
source_dir=$1 build_dir=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
test -f "$work/prefix/lib/cmake/Hourglass/HourglassConfig.cmake"
test -f "$work/prefix/include/hourglass/hourglass.hpp"
test -x "$work/prefix/bin/hourglass"
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$source_dir/examples/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" > "$work/configure.log"
cmake --build "$work/build" > "$work/build.log"
output=$("$work/build/consumer" "$source_dir/data/iris.csv")
echo "$output"
[[ "$output" == "autoencoder MSE "*", PCA MSE "* ]]
