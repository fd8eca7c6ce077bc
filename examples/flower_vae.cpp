// Seed 004's exercise: a variational autoencoder on 80x80 colour flower images, with a
// full-covariance Gaussian code (TensorFlow Probability's MultivariateNormalTriL),
// convolutions without padding, transposed convolutions without bias and leaky ReLU.
// The flowers are generated here (EcoData's are not available offline): a coloured disk
// of petals around a centre, on a green or brown ground.
//
//   example_flower_vae [images] [epochs] [folder for the pictures]
#include <torch/torch.h>

#include <hourglass/hourglass.hpp>
#include <iostream>

using namespace hourglass;

namespace {

// n x 3 x 80 x 80 images in [0, 1].
at::Tensor flowers(int64_t n, uint64_t seed) {
  auto g = at::detail::createCPUGenerator(seed);
  const auto grid = torch::arange(80, torch::kFloat);
  const auto y = grid.view({80, 1}).expand({80, 80}), x = grid.view({1, 80}).expand({80, 80});
  auto images = torch::empty({n, 3, 80, 80});
  for (int64_t i = 0; i < n; ++i) {
    const auto u = torch::rand({10}, g);
    const float cy = 25 + 30 * u[0].item<float>(), cx = 25 + 30 * u[1].item<float>();
    const float radius = 10 + 12 * u[2].item<float>(), petals = 4 + std::floor(5 * u[3].item<float>());
    const auto dy = y - cy, dx = x - cx;
    const auto r = (dy.square() + dx.square()).sqrt(), angle = torch::atan2(dy, dx);
    const auto petal = (r < radius * (0.65 + 0.35 * torch::cos(petals * angle))).to(torch::kFloat);
    const auto centre = (r < radius * 0.25).to(torch::kFloat);
    const auto ground = torch::tensor({0.25f + 0.3f * u[4].item<float>(), 0.45f + 0.2f * u[5].item<float>(), 0.2f});
    const auto colour = torch::stack({u[6], u[7], u[8]}).to(torch::kFloat);
    for (int64_t c = 0; c < 3; ++c) {
      images[i][c] = ground[c] * (1 - petal) + colour[c] * petal * (1 - centre) + 0.9f * centre;
    }
  }
  return images.clamp(0, 1);
}

}  // namespace

int main(int argc, char** argv) try {
  const int64_t n = argc > 1 ? std::stoll(argv[1]) : 200;
  const int64_t epochs = argc > 2 ? std::stoll(argv[2]) : 50;
  const std::string folder = argc > 3 ? argv[3] : ".";
  const auto train_images = flowers(n, 321), test_images = flowers(std::max<int64_t>(n / 5, 1), 322);

  // The seed's down_size_model and up_size_model, layer for layer.
  const Network network = parse_network(
      "input() + conv(32, 5, leaky_relu, padding=valid) + conv(32, 5, leaky_relu, padding=valid, strides=2) + "
      "conv(64, 5, leaky_relu, padding=valid) + conv(64, 5, leaky_relu, padding=valid, strides=2) + "
      "conv(128, 7, leaky_relu, padding=valid) + flatten() + variational(10, covariance=full) + "
      "dense(8192, relu) + reshape(128, 8, 8) + "
      "conv_transpose(128, 7, leaky_relu, padding=valid, use_bias=FALSE) + "
      "conv_transpose(64, 5, leaky_relu, padding=valid, strides=2, use_bias=FALSE) + "
      "conv_transpose(64, 5, leaky_relu, padding=valid, use_bias=FALSE) + "
      "conv_transpose(32, 5, leaky_relu, padding=valid, strides=2, use_bias=FALSE) + "
      "conv_transpose(32, 5, leaky_relu, padding=valid, use_bias=FALSE) + "
      "conv_transpose(3, 4, sigmoid, padding=valid, use_bias=FALSE)");
  std::cout << network.summary(Shape{3, 80, 80});

  // The seed: bce times 80 * 80 (Keras's bce averages the 3 channels, so a pixel's sum
  // over channels, here the ELBO's sum over features, is 3 times it) plus 0.0002 KL.
  const auto learner = autoencoder_variational(network, "bce", /*beta=*/3 * 0.0002);
  const Model model =
      train(learner, train_images,
            TrainOptions().epochs(epochs).batch_size(20).optimizer("adamax").learning_rate(0.0003).seed(321));
  std::cout << "test bce " << model.evaluate(test_images, {"bce"}).at("bce") << '\n';
  const auto shown = test_images.narrow(0, 0, std::min<int64_t>(5, test_images.size(0)));
  write_png(folder + "/flower_vae.png", image_grid(torch::cat({shown, model.reconstruct(shown), model.sample(5)}), 5));
  std::cout << "originals, reconstructions and prior samples: " << folder << "/flower_vae.png\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "example_flower_vae: " << e.what() << '\n';
  return 2;
}
