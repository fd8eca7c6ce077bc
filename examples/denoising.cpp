// Denoising autoencoder (ruta's example): trained on corrupted images to restore them.
//
//   example_denoising [mnist folder | toy] [epochs] [rows]
#include "support/images.hpp"

using namespace hourglass;

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  const NoiseFilter noise = noise_saltpepper(0.1);
  const Network network = input() + dense(36, "relu") + output("sigmoid");
  const Autoencoder learner = autoencoder_denoising(network, "bce", noise);
  std::cout << learner.to_string();

  const Model denoising = train(learner, data.train, examples::options(args.epochs));
  const Model basic = train(autoencoder(network, "bce"), data.train, examples::options(args.epochs));

  torch::manual_seed(3);
  const auto corrupted = apply_noise(noise, data.test);
  std::cout << "corrupted test images: mse to the clean ones " << (corrupted - data.test).square().mean().item<double>()
            << '\n';
  for (const auto& [name, model] :
       {std::pair<const char*, const Model&>{"basic", basic}, {"denoising", denoising}}) {
    const auto restored = model.reconstruct(corrupted);
    std::cout << name << ": mse of the reconstructed corrupted images to the clean ones "
              << (restored - data.test).square().mean().item<double>() << '\n';
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_denoising: " << e.what() << '\n';
  return 2;
}
