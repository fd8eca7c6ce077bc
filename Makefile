# The README's two commands: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
HOURGLASS := $(BUILD_DIR)/hourglass

.PHONY: all deps configure build run test examples clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

# The main job: autoencode the bundled iris data to 2 dimensions, compare with PCA and
# write the encoding with the species.
run: build
	$(HOURGLASS) autoencode data/iris.csv --dim 2 --label Species --scale zscore \
	  --optimizer adam --lr 0.01 --epochs 60 --batch-size 16 --seed 42 \
	  --output $(BUILD_DIR)/iris-encoding.csv
	@echo "Encoding written to $(BUILD_DIR)/iris-encoding.csv:"
	@head -n 6 $(BUILD_DIR)/iris-encoding.csv

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD_DIR)
