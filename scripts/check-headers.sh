#!/usr/bin/env bash
# Compiles every header of the library on its own, without the precompiled header, so
# that each one includes what it uses (make check-headers; CI runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
export FLAGS="-std=gnu++17 -fsyntax-only -Wall -Wextra -D_GLIBCXX_USE_CXX11_ABI=1 -Iinclude -Isrc \
  -isystem /usr/include/torch/csrc/api/include"
failed=0
find include src -name '*.hpp' | sort | xargs -P "$(nproc)" -I{} sh -c \
  'printf "#include \"%s\"\n" "$PWD/{}" | c++ $FLAGS -x c++ - 2> /tmp/check-header.$$.log \
     || { echo "check-headers: {} does not compile on its own:"; head -5 /tmp/check-header.$$.log; exit 255; }; \
   rm -f /tmp/check-header.$$.log' || failed=1
if [ "$failed" -ne 0 ]; then exit 1; fi
echo "check-headers: every header compiles on its own"
