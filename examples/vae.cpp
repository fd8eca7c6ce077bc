// Seed 000 (the ruta paper, Fig. 3): a variational autoencoder on MNIST that generates
// new digits from a grid over two latent units.
//
//   example_vae [mnist folder | toy] [epochs] [rows] [folder for the pictures]
#include "support/images.hpp"

using namespace hourglass;

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  const Network network = input() + dense(256, "elu") + variational(10) + dense(256, "elu") + output("sigmoid");
  const Autoencoder learner = autoencoder_variational(network, "bce");
  std::cout << learner.to_string();

  const Model vae = train(learner, data.train, examples::options(args.epochs));
  const auto& last = vae.history().epochs.back();
  std::cout << "last epoch: loss " << last.value("loss") << " = reconstruction " << last.value("reconstruction")
            << " + kl " << last.value("kl") << '\n';
  std::cout << "test mse of reconstructions (posterior mean) " << vae.evaluate(data.test).at("mse") << '\n';

  // ruta's generate(model, dimensions = c(1, 2), from = 0.05, to = 0.95, side = 10).
  const auto grid = vae.generate({1, 2}, 0.05, 0.95, 10);
  write_png(args.picture("vae_generated.png"), image_grid(grid, 10));
  torch::manual_seed(7);
  write_png(args.picture("vae_sampled.png"), image_grid(vae.sample(25), 5));

  // A saved model decodes exactly as the one in memory.
  vae.save(args.picture("vae.hgm"));
  const Model again = Model::load(args.picture("vae.hgm"));
  const bool same = torch::equal(again.generate(), grid);
  std::cout << "generated " << grid.size(0) << " images (" << args.picture("vae_generated.png")
            << "); the reloaded model generates " << (same ? "identical" : "DIFFERENT") << " images\n";
  return same ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "example_vae: " << e.what() << '\n';
  return 2;
}
