# The README's two commands: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
HOURGLASS := $(BUILD_DIR)/hourglass

.PHONY: all deps configure build build-all run test test-sanitize fuzz hostile bench bench-anomaly bench-inference examples install-r install-python r-docs check-headers check-layers check-function-length clean

all: build

deps:
	@scripts/install-deps.sh

# A new build folder is configured for Ninja, which rebuilds what a change touches: the
# Makefile generator rewrites the flags file every object depends on whenever a source is
# added, which rebuilt the whole library (docs/building.md). A folder keeps its generator.
GENERATOR = $(if $(wildcard $(BUILD_DIR)/CMakeCache.txt),,-G Ninja)
configure: deps
	@cmake -S . -B $(BUILD_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > /dev/null

# What `make run` needs: the library and the command, nothing else.
build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target hourglass_cli

# Everything else too: the tests, the examples, the R package and the bench driver.
build-all: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

# The main job: autoencode the bundled iris data to 2 dimensions, compare with PCA and
# write the encoding with the species.
run: build
	$(HOURGLASS) autoencode data/iris.csv --dim 2 --label Species --scale zscore \
	  --optimizer adam --lr 0.01 --epochs 60 --batch-size 16 --seed 42 \
	  --output $(BUILD_DIR)/iris-encoding.csv
	@echo "Encoding written to $(BUILD_DIR)/iris-encoding.csv:"
	@head -n 6 $(BUILD_DIR)/iris-encoding.csv

# The C++ tests and the Python package's pytest suite, then the R package's testthat
# tests (label "r").
test: build-all
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -LE '^r$$'
	@cd $(BUILD_DIR) && ctest --output-on-failure -L '^r$$'

# The hostile-input replay (tests/hostile) at length: about 2,000 malformed files and
# signalled runs, counted by outcome. `make test` runs a quick form.
HOSTILE_RUNS ?= 400
hostile: build
	@/usr/bin/python3 tests/hostile/replay.py $(HOURGLASS) . $(BUILD_DIR)/hostile-long --runs $(HOSTILE_RUNS)

# The folders' stack (docs/design.md): no include reaches a folder above its own (CI runs it).
check-layers:
	@/usr/bin/python3 scripts/check-layers.py

# No function over 60 lines outside declarative tables (CI runs it).
check-function-length:
	@/usr/bin/python3 scripts/check-function-length.py

# Every header compiled on its own, without the precompiled header (CI runs it).
check-headers: deps
	@scripts/check-headers.sh

# The R package, into R's site library (r/README.md).
install-r: deps
	@R CMD INSTALL r

# The Python package for Debian's python3: a .pth file in the user's site directory names
# python/ (the package) and the build's python/ (its compiled core), so that
# `python3 -c "import hourglass"` works in a new shell (README, Python).
install-python: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target _hourglass
	@site=$$(/usr/bin/python3 -m site --user-site) && mkdir -p "$$site" && \
	  printf '%s\n%s\n' "$(CURDIR)/python" "$(abspath $(BUILD_DIR))/python" > "$$site/hourglass.pth" && \
	  echo "install-python: /usr/bin/python3 imports hourglass from $(CURDIR)/python ($$site/hourglass.pth)"

# The R help pages (r/man) from the roxygen comments in r/R; commit what it writes.
r-docs: build-all
	@scripts/install-deps.sh docs
	@R_LIBS=$(BUILD_DIR)/r-library Rscript -e 'roxygen2::roxygenise("r", roclets = "rd", load_code = "installed")'

# The benchmark suite against PyTorch (bench/README.md); BENCH_FLAGS= for the long runs.
BENCH_FLAGS ?= --quick
bench: build-all
	@scripts/install-deps.sh bench
	@/usr/bin/python3 bench/run.py $(BENCH_FLAGS) --build $(BUILD_DIR)

# Model::encode and Model::score against ONNX Runtime on the exported model (bench/inference.py).
bench-inference: build-all
	@scripts/install-deps.sh bench
	@/usr/bin/python3 bench/inference.py --build $(BUILD_DIR)

# Anomaly detection on ADBench's tables from mlbench against PCA, IsolationForest and a
# PyOD-style PyTorch autoencoder (bench/anomaly.py; results in bench/README.md).
bench-anomaly: build-all
	@scripts/install-deps.sh bench
	@/usr/bin/python3 bench/anomaly.py --build $(BUILD_DIR)

# The test suite under AddressSanitizer and UndefinedBehaviorSanitizer. LibTorch itself is
# not instrumented; its one-time allocations at start-up are not leaks of ours. The
# examples run in `make test`, not here: what they call, the tests call too, and building
# them again under clang cost CI a minute and a half.
# One clang build serves this and `make fuzz`: the library carries libFuzzer's coverage
# hooks (harmless outside a fuzzer), so CI compiles the sanitized library once, not twice.
# Line tables are all a sanitizer report needs, and -O1 is what ASan recommends; both
# keep the build about a third shorter than full debug information at -O2.
SANITIZE_DIR ?= build-sanitize
SANITIZE_CONFIGURE = CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_DIR) $(if $(wildcard $(SANITIZE_DIR)/CMakeCache.txt),,-G Ninja) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
  -DHOURGLASS_SANITIZE=ON -DHOURGLASS_FUZZ=ON -DHOURGLASS_BUILD_EXAMPLES=OFF > /dev/null
test-sanitize: deps
	@$(SANITIZE_CONFIGURE)
	@cmake --build $(SANITIZE_DIR) -j$(JOBS)
	@cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j$(JOBS)

# Each libFuzzer target for FUZZ_SECONDS, from its seed corpus in fuzz/corpus; new inputs
# go to build-sanitize/corpus, crashes to build-sanitize/crashes.
FUZZ_SECONDS ?= 60
# CI passes a fixed number of runs and seed instead, so that its result is repeatable.
# Inputs up to 64 KB, and 256 KB for model files (a deeply nested header needs ~130 KB).
FUZZ_FLAGS ?= -max_total_time=$(FUZZ_SECONDS)
FUZZ_TARGETS := csv npy idx model spec
fuzz: deps
	@$(SANITIZE_CONFIGURE)
	@cmake --build $(SANITIZE_DIR) -j$(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@mkdir -p $(SANITIZE_DIR)/crashes
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(SANITIZE_DIR)/corpus/$$t; \
	  echo "fuzz_$$t: $(FUZZ_FLAGS)"; \
	  ASAN_OPTIONS=detect_leaks=0 $(SANITIZE_DIR)/fuzz/fuzz_$$t $(FUZZ_FLAGS) -max_len=$$(if [ $$t = model ]; then echo 262144; else echo 65536; fi) \
	    -artifact_prefix=$(SANITIZE_DIR)/crashes/$$t- -print_final_stats=1 $(SANITIZE_DIR)/corpus/$$t fuzz/corpus/$$t \
	    2>&1 | grep -E "^(#[0-9]+ *DONE|==[0-9]+==ERROR|SUMMARY|stat::number_of_executed_units)" || true; \
	  if ls $(SANITIZE_DIR)/crashes/$$t-* > /dev/null 2>&1; then echo "fuzz_$$t found a crash: $$(ls $(SANITIZE_DIR)/crashes/$$t-*)"; exit 1; fi; \
	done

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
