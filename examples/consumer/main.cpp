// Trains a small autoencoder on a CSV file with the installed library and prints the
// reconstruction error next to PCA's.
#include <ATen/ATen.h>  // tensor arithmetic; the Hourglass headers declare tensors only

#include <hourglass/hourglass.hpp>
#include <iostream>

int main(int argc, char** argv) {
  using namespace hourglass;
  if (argc < 2) {
    std::cerr << "usage: consumer DATA.csv\n";
    return 2;
  }
  try {
    const Dataset data = read_data(argv[1], ReadOptions().label("Species"));
    const Model model = train(autoencoder(input() + dense(2) + output()), data.features,
                              TrainOptions().epochs(50).optimizer("adam").learning_rate(0.01).seed(1));
    const double ours = model.evaluate(data.features, {"mse"}).at("mse");
    const double baseline =
        (pca(data.features, 2).reconstruct(data.features) - data.features).square().mean().item<double>();
    std::cout << "autoencoder MSE " << ours << ", PCA MSE " << baseline << '\n';
    return 0;
  } catch (const Error& e) {
    std::cerr << "consumer: " << e.what() << '\n';
    return 2;
  }
}
