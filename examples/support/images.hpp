// The data of the variant examples: MNIST digits when ../shared/data/mnist (or the
// folder given) is there, otherwise a generated toy set of 8x8 bar images, so that
// every example also runs where MNIST is not.
#pragma once

#include <hourglass/hourglass.hpp>
#include <torch/torch.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace examples {

struct Images {
  at::Tensor train, test;                 // rows x 1 x side x side, in [0, 1]
  std::vector<std::string> test_labels;   // the digit, or the toy image's bar row
  int64_t side = 0;
  std::string source;
};

struct Bars {
  at::Tensor images;
  std::vector<std::string> labels;
};

// 8x8 images, each with one random horizontal and one random vertical bar; labelled
// by the row of the horizontal bar.
inline Bars bars(int64_t rows, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  auto images = torch::zeros({rows, 8, 8});
  const auto row = torch::randint(8, {rows}, generator), column = torch::randint(8, {rows}, generator);
  std::vector<std::string> labels;
  for (int64_t i = 0; i < rows; ++i) {
    images[i].select(0, row[i].item<int64_t>()).fill_(1.0);
    images[i].select(1, column[i].item<int64_t>()).fill_(1.0);
    labels.push_back(std::to_string(row[i].item<int64_t>()));
  }
  return {images.view({rows, 1, 8, 8}), labels};
}

/// Up to `rows` training images and rows / 5 test images (with their labels).
inline Images mnist_or_toy(const std::string& folder, int64_t rows) {
  const std::string train_path = folder + "/train-images-idx3-ubyte.gz";
  if (!folder.empty() && std::ifstream(train_path).good()) {
    const auto train = hourglass::read_data(train_path).samples();
    auto test = hourglass::read_idx(folder + "/t10k-images-idx3-ubyte.gz", folder + "/t10k-labels-idx1-ubyte.gz");
    const int64_t test_rows = std::min(std::max<int64_t>(rows / 5, 1), test.rows());
    test.labels.resize(static_cast<size_t>(test_rows));
    return {train.narrow(0, 0, std::min(rows, train.size(0))), test.samples().narrow(0, 0, test_rows),
            test.labels, 28, "MNIST (" + folder + ")"};
  }
  const auto test = bars(std::max<int64_t>(rows / 5, 1), 2);
  return {bars(rows, 1).images, test.images, test.labels, 8, "toy 8x8 bar images"};
}

/// Arguments shared by the examples: [mnist folder or "toy"] [epochs] [rows] [folder
/// for the pictures].
struct Arguments {
  std::string folder = "../shared/data/mnist", pictures = ".";
  int64_t epochs = 10, rows = 10000;

  Arguments(int argc, char** argv) {
    if (argc > 1) folder = std::string(argv[1]) == "toy" ? "" : argv[1];
    if (argc > 2) epochs = std::stoll(argv[2]);
    if (argc > 3) rows = std::stoll(argv[3]);
    if (argc > 4) pictures = argv[4];
  }

  std::string picture(const std::string& name) const { return pictures + "/" + name; }
};

/// Mean squared error between two tensors of the same shape.
inline double mse(const at::Tensor& a, const at::Tensor& b) { return (a - b).square().mean().item<double>(); }

inline hourglass::TrainOptions options(int64_t epochs) {
  return hourglass::TrainOptions().epochs(epochs).batch_size(128).optimizer("adam").seed(1);
}

}  // namespace examples
