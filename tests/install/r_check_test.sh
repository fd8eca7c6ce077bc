#!/usr/bin/env bash
# The R package checked as CRAN checks it: `R CMD build` of r/, then `R CMD check` of the
# tarball, which builds the bindings against an installed Hourglass found by pkg-config
# (r/configure), runs the examples and the testthat tests. An ERROR or a WARNING fails;
# so does a NOTE, except the size of the installed library (the C++ core is linked into
# the package's shared object).
# Usage: r_check_test.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
source_dir=$1 build_dir=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cd "$work"
R CMD build --no-build-vignettes "$source_dir/r" > build.log 2>&1 || { cat build.log; exit 1; }
tarball=$(ls hourglass_*.tar.gz)
status=0
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" R CMD check --no-manual "$tarball" > check.log 2>&1 || status=$?
log=hourglass.Rcheck/00check.log
if [ "$status" -ne 0 ] || [ ! -f "$log" ]; then
  cat check.log
  exit 1
fi
# Each problem's line, with the lines under it that say what it is.
problems=$(awk '/\.\.\. (NOTE|WARNING|ERROR)$/ {keep = 1; print; next} /^\* / {keep = 0} keep' "$log")
unexpected=$(printf '%s\n' "$problems" | grep -E '\.\.\. (NOTE|WARNING|ERROR)$' | grep -v 'installed package size ... NOTE' || true)
echo "$problems"
tail -n 3 "$log"
if [ -n "$unexpected" ]; then
  echo "r_check_test: R CMD check found: $unexpected"
  exit 1
fi
