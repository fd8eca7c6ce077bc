// Seed 003: a dense 784-392-10-392-784 autoencoder against PCA with 10 components, both
// fitted on the training images and measured by test MSE (the seed: PCA 0.0339, its
// autoencoder 0.0203 after 50 epochs).
//
//   example_mnist_vs_pca [mnist folder | toy] [epochs] [rows] [folder for the pictures]
#include "support/images.hpp"

using namespace hourglass;

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  const int64_t pixels = data.side * data.side, k = 10;
  const Network network =
      input() + dense(pixels / 2, "relu") + dense(k, "relu") + dense(pixels / 2, "relu") + output("sigmoid");
  const Model model = train(autoencoder(network, "mse"), data.train, examples::options(args.epochs));

  const auto train_rows = data.train.reshape({data.train.size(0), -1});
  const auto test_rows = data.test.reshape({data.test.size(0), -1});
  const Pca baseline = pca(train_rows, k);
  const double pca_mse = examples::mse(baseline.reconstruct(test_rows), test_rows);
  const double ae_mse = model.evaluate(data.test).at("mse");
  std::cout << "test mse: autoencoder " << ae_mse << ", PCA (k=" << k << ") " << pca_mse << " (ratio "
            << ae_mse / pca_mse << ")\n";

  const int64_t shown = std::min<int64_t>(10, data.test.size(0));
  const auto originals = data.test.narrow(0, 0, shown);
  write_png(args.picture("mnist_vs_pca.png"),
            image_grid(torch::cat({originals, model.reconstruct(originals),
                                   baseline.reconstruct(test_rows.narrow(0, 0, shown)).view_as(originals)}),
                       shown));
  std::cout << "originals, autoencoder, PCA (rows): " << args.picture("mnist_vs_pca.png") << '\n';
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_mnist_vs_pca: " << e.what() << '\n';
  return 2;
}
