// Contractive autoencoder (ruta's example): codes that move little when the input does.
//
//   example_contractive [mnist folder | toy] [epochs] [rows]
#include "support/images.hpp"

using namespace hourglass;

// How far codes move per unit of input change, for small random input changes.
double code_sensitivity(const Model& model, const at::Tensor& x) {
  torch::manual_seed(7);
  const auto delta = torch::randn_like(x) * 0.01;
  const auto moved = (model.encode(x + delta) - model.encode(x)).norm(2, 1);
  return (moved / delta.flatten(1).norm(2, 1)).mean().item<double>();
}

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  const Network network = input() + dense(36, "tanh") + output("sigmoid");
  const Autoencoder learner = autoencoder_contractive(network, "bce", /*weight=*/2e-4);
  std::cout << learner.to_string();

  const Model contractive = train(learner, data.train, examples::options(args.epochs));
  const Model basic = train(autoencoder(network, "bce"), data.train, examples::options(args.epochs));

  for (const auto& [name, model] :
       {std::pair<const char*, const Model&>{"basic", basic}, {"contractive", contractive}}) {
    std::cout << name << ": code sensitivity " << code_sensitivity(model, data.test) << ", test bce "
              << model.evaluate(data.test, {"bce"}).at("bce") << '\n';
  }
  const auto& last = contractive.history().epochs.back();
  std::cout << "last epoch: reconstruction " << last.value("reconstruction") << ", contraction "
            << last.value("contraction") << '\n';
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_contractive: " << e.what() << '\n';
  return 2;
}
