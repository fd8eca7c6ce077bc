// Seed 004: a conv encoder down to a 2-D code, a dense-then-conv decoder, and the
// scatter plot of the test codes coloured by digit.
//
//   example_conv_scatter [mnist folder | toy] [epochs] [rows] [folder for the pictures]
#include "support/images.hpp"

using namespace hourglass;

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  // Keras' layer_max_pooling_2d(padding = "same") rounds 7 up to 4; the decoder's valid
  // conv brings 16 back to 14 before the last upsampling (28 x 28 MNIST). The toy 8x8
  // images take the same shape of network at their scale.
  const auto pool = ConvOptions().max_pooling(2), up = ConvOptions().upsampling(2);
  const bool mnist = data.side == 28;
  const Network encoder =
      input() + conv(16, 3, "relu", pool) + conv(8, 3, "relu", pool) + conv(8, 3, "relu", pool) + flatten() + dense(2);
  const Network decoder =
      mnist ? dense(128, "relu") + reshape({8, 4, 4}) + conv(8, 3, "relu", up) + conv(8, 3, "relu", up) +
                  conv(16, 3, "relu", ConvOptions().padding("valid").upsampling(2)) + conv(1, 3, "sigmoid")
            : dense(8, "relu") + reshape({8, 1, 1}) + conv(8, 3, "relu", up) + conv(8, 3, "relu", up) +
                  conv(16, 3, "relu", up) + conv(1, 3, "sigmoid");
  const Network network = encoder + decoder;
  std::cout << network.summary(data.train.sizes().slice(1).vec());

  // As the seed: binary cross-entropy, rmsprop with learning rate 0.001, batches of 64.
  const auto options =
      TrainOptions().epochs(args.epochs).batch_size(64).optimizer("rmsprop").learning_rate(0.001).seed(321);
  const Model model = train(autoencoder(network, "bce"), data.train, options);
  std::cout << "test mse " << model.evaluate(data.test).at("mse") << '\n';

  const auto codes = model.encode(data.test);
  write_png(args.picture("conv_scatter_codes.png"), scatter_plot(codes, data.test_labels));
  // "Generate new images": decode two points of the code space, as the seed does.
  const auto made = model.decode(torch::tensor({{10.0f, 10.0f}, {5.0f, 5.0f}}));
  write_png(args.picture("conv_scatter_decoded.png"), image_grid(made, 2));
  std::cout << "scatter plot of " << codes.size(0) << " test codes: " << args.picture("conv_scatter_codes.png") << '\n';
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_conv_scatter: " << e.what() << '\n';
  return 2;
}
