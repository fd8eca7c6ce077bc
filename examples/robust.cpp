// Robust autoencoder: the correntropy loss gives little weight to gross errors, so cells
// corrupted in the training images pull it less than a mean-squared-error autoencoder.
// sigma must be on the scale of the errors the model should still learn from: with
// pixels in [0, 1], ruta's default 0.2 ignores the digits' strokes too, 0.5 does not.
//
//   example_robust [mnist folder | toy] [epochs] [rows]
#include "support/images.hpp"

using namespace hourglass;

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  // A fifth of the pixels of every training image are stuck at 1; the test images are clean.
  torch::manual_seed(5);
  const auto train_data = apply_noise(noise_ones(0.2), data.train);

  const Network network = input() + dense(36, "sigmoid") + output("sigmoid");
  const Autoencoder learner = autoencoder_robust(network, /*sigma=*/0.5);
  std::cout << learner.to_string();

  const Model robust = train(learner, train_data, examples::options(args.epochs));
  const Model basic = train(autoencoder(network, "mse"), train_data, examples::options(args.epochs));

  std::cout << "training pixels stuck at 1: "
            << 100 * (train_data != data.train).to(torch::kFloat).mean().item<double>() << "%\n";
  for (const auto& [name, model] : {std::pair<const char*, const Model&>{"basic (mse)", basic}, {"robust", robust}}) {
    std::cout << name << ": test mse on clean images " << model.evaluate(data.test).at("mse") << '\n';
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_robust: " << e.what() << '\n';
  return 2;
}
