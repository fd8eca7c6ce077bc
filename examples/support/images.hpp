// The data of the variant examples: MNIST digits when ../shared/data/mnist (or the
// folder given) is there, otherwise a generated toy set of 8x8 bar images, so that
// every example also runs where MNIST is not.
#pragma once

#include <hourglass/hourglass.hpp>
#include <torch/torch.h>

#include <fstream>
#include <iostream>
#include <string>

namespace examples {

struct Images {
  at::Tensor train, test;  // rows x pixels in [0, 1]
  std::string source;
};

// 8x8 images, each with one random horizontal and one random vertical bar.
inline at::Tensor bars(int64_t rows, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  auto images = torch::zeros({rows, 8, 8});
  const auto row = torch::randint(8, {rows}, generator), column = torch::randint(8, {rows}, generator);
  for (int64_t i = 0; i < rows; ++i) {
    images[i].select(0, row[i].item<int64_t>()).fill_(1.0);
    images[i].select(1, column[i].item<int64_t>()).fill_(1.0);
  }
  return images.view({rows, 64});
}

/// Up to `rows` training images and rows / 5 test images.
inline Images mnist_or_toy(const std::string& folder, int64_t rows) {
  const std::string train_path = folder + "/train-images-idx3-ubyte.gz";
  if (!folder.empty() && std::ifstream(train_path).good()) {
    const auto train = hourglass::read_data(train_path).features;
    const auto test = hourglass::read_data(folder + "/t10k-images-idx3-ubyte.gz").features;
    return {train.narrow(0, 0, std::min(rows, train.size(0))),
            test.narrow(0, 0, std::min(rows / 5, test.size(0))), "MNIST (" + folder + ")"};
  }
  return {bars(rows, 1), bars(std::max<int64_t>(rows / 5, 1), 2), "toy 8x8 bar images"};
}

/// Arguments shared by the examples: [mnist folder or "toy"] [epochs] [rows].
struct Arguments {
  std::string folder = "../shared/data/mnist";
  int64_t epochs = 10, rows = 10000;

  Arguments(int argc, char** argv) {
    if (argc > 1) folder = std::string(argv[1]) == "toy" ? "" : argv[1];
    if (argc > 2) epochs = std::stoll(argv[2]);
    if (argc > 3) rows = std::stoll(argv[3]);
  }
};

inline hourglass::TrainOptions options(int64_t epochs) {
  return hourglass::TrainOptions().epochs(epochs).batch_size(128).optimizer("adam").seed(1);
}

}  // namespace examples
