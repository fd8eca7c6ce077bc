// The README's library quick start, compiled and run by the tests so it stays true.
//
//   example_quickstart [iris.csv] [epochs] [model file]
#include <ATen/ATen.h>  // tensor arithmetic (the Hourglass headers declare tensors only)

#include <hourglass/hourglass.hpp>
#include <iostream>

using namespace hourglass;

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : "data/iris.csv";
  const int64_t epochs = argc > 2 ? std::stoll(argv[2]) : 100;
  const std::string model_path = argc > 3 ? argv[3] : "iris.hgm";

  Dataset iris = read_data(path, ReadOptions().label("Species"));

  auto learner = autoencoder(input() + dense(8, "tanh") + dense(2) + dense(8, "tanh") + output(), "mse");
  Model model = train(learner, iris.features,
                      TrainOptions()
                          .epochs(epochs)
                          .optimizer("adam")
                          .learning_rate(0.01)
                          .scale("zscore")
                          .validation_split(0.2)
                          .seed(42)
                          .verbose(true));

  at::Tensor codes = model.encode(iris.features);  // 150 x 2
  at::Tensor back = model.decode(codes);           // in the data's units
  double mse = model.evaluate(iris.features, {"mse"}).at("mse");
  double pca_mse = (pca(iris.features, 2).reconstruct(iris.features) - iris.features).square().mean().item<double>();
  model.save(model_path);
  Model again = Model::load(model_path);  // bit-identical encodings

  at::Tensor quick = autoencode(iris.features, 2);  // ruta's autoencode()

  std::cout << "autoencoder MSE " << mse << ", PCA MSE " << pca_mse << '\n'
            << "decoded " << back.size(0) << " rows; reloaded model encodes identically: " << std::boolalpha
            << torch::equal(again.encode(iris.features), codes) << '\n'
            << "autoencode() gave a " << quick.size(0) << " x " << quick.size(1) << " encoding\n";
  return torch::equal(again.encode(iris.features), codes) ? 0 : 1;
} catch (const hourglass::Error& e) {
  std::cerr << "example_quickstart: " << e.what() << '\n';
  return 2;
}
