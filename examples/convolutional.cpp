// ruta's convolutional example: a conv autoencoder with max pooling on the way down and
// upsampling on the way up, trained with binary cross-entropy.
//
//   example_convolutional [mnist folder | toy] [epochs] [rows] [folder for the pictures]
#include "support/images.hpp"

using namespace hourglass;

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training images of "
            << shape_to_string(data.train.sizes().slice(1).vec()) << '\n';

  const Network network = input() + conv(16, 3, "relu", ConvOptions().max_pooling(2)) +
                          conv(8, 3, "relu", ConvOptions().max_pooling(2)) +
                          conv(8, 3, "relu", ConvOptions().upsampling(2)) +
                          conv(16, 3, "relu", ConvOptions().upsampling(2)) + conv(1, 3, "sigmoid");
  std::cout << network.summary(data.train.sizes().slice(1).vec());

  const Model model = train(autoencoder(network, "bce"), data.train, examples::options(args.epochs));
  std::cout << "code: " << model.code_dim() << " values per image (the 8 feature maps after two poolings)\n";
  std::cout << "test mse " << model.evaluate(data.test).at("mse") << '\n';

  const int64_t shown = std::min<int64_t>(10, data.test.size(0));
  const auto originals = data.test.narrow(0, 0, shown);
  write_png(args.picture("convolutional_reconstructions.png"),
            image_grid(torch::cat({originals, model.reconstruct(originals)}), shown));
  std::cout << "originals above reconstructions: " << args.picture("convolutional_reconstructions.png") << '\n';
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_convolutional: " << e.what() << '\n';
  return 2;
}
