// Sparse autoencoder (ruta's example): few code units active per image.
//
//   example_sparse [mnist folder | toy] [epochs] [rows]
#include "support/images.hpp"

using namespace hourglass;

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  const Network network = input() + dense(36, "sigmoid") + output("sigmoid");
  const Autoencoder learner = autoencoder_sparse(network, "bce", /*high_probability=*/0.1, /*weight=*/0.2);
  std::cout << learner.to_string();

  const Model sparse = train(learner, data.train, examples::options(args.epochs));
  const Model basic = train(autoencoder(network, "bce"), data.train, examples::options(args.epochs));

  for (const auto& [name, model] : {std::pair<const char*, const Model&>{"basic", basic}, {"sparse", sparse}}) {
    const auto codes = model.encode(data.test);
    std::cout << name << ": mean code activation " << codes.mean().item<double>() << ", units above 0.5 "
              << 100 * (codes > 0.5).to(torch::kFloat).mean().item<double>() << "%, test bce "
              << model.evaluate(data.test, {"bce"}).at("bce") << '\n';
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_sparse: " << e.what() << '\n';
  return 2;
}
