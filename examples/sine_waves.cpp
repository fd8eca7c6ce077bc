// Seed 002: random sine waves of 101 points (amplitude * sin(x * frequency - phase) at
// x = 0..100, phase in [0, 100], frequency in [0.03, 0.5], amplitude in [0.1, 10]) through
// a code of 3 units, the number of parameters that made them: an LSTM autoencoder
// against a dense one and PCA with 3 components, by test MSE, and a picture of test
// waves (black) with the LSTM's (red) and the dense network's (blue) reconstructions.
//
//   example_sine_waves [epochs (300)] [training waves (2000)] [folder for the picture]
#include <torch/torch.h>

#include <iostream>

#include "hourglass/hourglass.hpp"

using namespace hourglass;

namespace {

constexpr int64_t kSteps = 101;

at::Tensor sine_waves(int64_t count, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  const auto uniform = [&](double low, double high) { return torch::rand({count, 1}, generator) * (high - low) + low; };
  const auto phase = uniform(0, 100), frequency = uniform(0.03, 0.5), amplitude = uniform(0.1, 10);
  const auto x = torch::arange(kSteps, torch::kFloat).unsqueeze(0);
  return amplitude * torch::sin(x * frequency - phase);
}

// One panel per wave: white, with each series drawn as a line in its colour.
at::Tensor plot(const std::vector<std::pair<at::Tensor, std::array<float, 3>>>& series, int64_t height = 60) {
  const double top = 10.5;  // the largest amplitude, and a margin
  auto image = torch::ones({3, height, kSteps});
  for (const auto& [values, colour] : series) {
    const auto rows = ((top - values.to(torch::kDouble)) / (2 * top) * (height - 1)).round().clamp(0, height - 1);
    const auto row = rows.accessor<double, 1>();
    for (int64_t t = 0; t < kSteps; ++t) {
      // A vertical stroke to the next point keeps the line unbroken where it is steep.
      const auto from = static_cast<int64_t>(row[t]), to = static_cast<int64_t>(row[std::min(t + 1, kSteps - 1)]);
      for (int64_t r = std::min(from, to); r <= std::max(from, to); ++r) {
        for (int64_t c = 0; c < 3; ++c) image[c][r][t] = colour[static_cast<size_t>(c)];
      }
    }
  }
  return image;
}

}  // namespace

int main(int argc, char** argv) try {
  const int64_t epochs = argc > 1 ? std::stoll(argv[1]) : 300;
  const int64_t count = argc > 2 ? std::stoll(argv[2]) : 2000;
  const std::string folder = argc > 3 ? argv[3] : ".";
  const auto train_waves = sine_waves(count, 1), test_waves = sine_waves(std::max<int64_t>(count / 4, 10), 2);
  // Gradients through 101 steps of an LSTM explode now and then (the loss jumps back to
  // the mean and climbs again); clipping their norm at 1 keeps the descent steady.
  const auto options =
      TrainOptions().epochs(epochs).batch_size(32).optimizer("adam").seed(1).scale("zscore").clip_grad_norm(1.0);

  const auto lstm_net =
      input() + lstm(32, "tanh", true) + lstm(3) + repeat_vector(kSteps) + lstm(32, "tanh", true) + output();
  const Model sequence = train(autoencoder(lstm_net), train_waves, options);
  const Model flat =
      train(autoencoder(input() + dense(50, "tanh") + dense(3) + dense(50, "tanh") + output()), train_waves, options);
  const Pca baseline = pca(train_waves, 3);

  const auto error = [&](const at::Tensor& reconstruction) {
    return (reconstruction - test_waves).square().mean().item<double>();
  };
  std::cout << sequence.network().summary(Shape{kSteps}) << "\n";
  std::cout << "test mse with a 3-unit code (waves of amplitude up to 10): LSTM "
            << error(sequence.reconstruct(test_waves)) << ", dense " << error(flat.reconstruct(test_waves)) << ", PCA "
            << error(baseline.reconstruct(test_waves)) << "\n";

  const int64_t shown = std::min<int64_t>(10, test_waves.size(0));
  const auto by_lstm = sequence.reconstruct(test_waves), by_dense = flat.reconstruct(test_waves);
  std::vector<at::Tensor> panels;
  for (int64_t i = 0; i < shown; ++i) {
    panels.push_back(plot(
        {{test_waves[i], {0.0f, 0.0f, 0.0f}}, {by_dense[i], {0.2f, 0.4f, 1.0f}}, {by_lstm[i], {0.9f, 0.1f, 0.1f}}}));
  }
  const std::string picture = folder + "/sine_waves.png";
  write_png(picture, image_grid(torch::stack(panels), 5, 4));
  std::cout << "test waves (black), LSTM (red) and dense (blue) reconstructions: " << picture << "\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_sine_waves: " << e.what() << '\n';
  return 2;
}
