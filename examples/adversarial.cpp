// An adversarial autoencoder (Makhzani et al. 2015): 2-unit codes of MNIST pushed
// towards a mixture of 10 Gaussians on a circle by a discriminator, against a basic
// autoencoder's codes, then new digits decoded from samples of the prior.
//
//   example_adversarial [mnist folder | toy] [epochs] [rows] [folder for the pictures]
#include "support/images.hpp"

using namespace hourglass;

// The squared maximum mean discrepancy between two samples (Gaussian kernel of width 1,
// the biased estimate): 0 when they come from one distribution.
double mmd(const at::Tensor& x, const at::Tensor& y) {
  const auto kernel = [](const at::Tensor& a, const at::Tensor& b) {
    return torch::exp(-torch::cdist(a, b).square() / 2).mean().item<double>();
  };
  return kernel(x, x) + kernel(y, y) - 2 * kernel(x, y);
}

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  const Network network = input() + dense(256, "relu") + dense(2) + dense(256, "relu") + output("sigmoid");
  const Autoencoder learner = autoencoder_adversarial(network, "bce", "mixture:10", {64, 64}, /*weight=*/1.0);
  std::cout << learner.to_string();

  const Model adversarial = train(learner, data.train, examples::options(args.epochs));
  const Model basic = train(autoencoder(network, "bce"), data.train, examples::options(args.epochs));

  torch::manual_seed(3);
  const int64_t rows = std::min<int64_t>(2000, data.test.size(0));
  const auto prior = adversarial.prior_codes(rows);
  const auto test = data.test.narrow(0, 0, rows);
  for (const auto& [name, model] :
       {std::pair<const char*, const Model&>{"basic", basic}, {"adversarial", adversarial}}) {
    std::cout << name << ": MMD^2 of test codes to the prior " << mmd(model.encode(test), prior) << ", test bce "
              << model.evaluate(data.test, {"bce"}).at("bce") << '\n';
  }
  const auto& history = adversarial.history().epochs;
  std::cout << "discriminator accuracy: epoch 1 " << history.front().value("discriminator_accuracy") << ", epoch "
            << history.back().epoch << " " << history.back().value("discriminator_accuracy") << " (chance 0.5)\n";

  torch::manual_seed(7);
  write_png(args.picture("adversarial_sampled.png"), image_grid(adversarial.sample(100), 10));
  write_png(args.picture("adversarial_generated.png"), image_grid(adversarial.generate({1, 2}, 0.05, 0.95, 10), 10));
  std::cout << "wrote " << args.picture("adversarial_sampled.png") << " and "
            << args.picture("adversarial_generated.png") << '\n';
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_adversarial: " << e.what() << '\n';
  return 2;
}
