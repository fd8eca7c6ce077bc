// Variational and shaped models: the ELBO objective, generate's grid against qnorm,
// sampling, and save/load round trips that decode identically.
#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "model/objective.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;
using testing::temp_path;

// R: qnorm(c(0.05, 0.5, 0.95, 0.2, 0.8)).
constexpr double kQ05 = -1.6448536269514729, kQ95 = 1.6448536269514722, kQ20 = -0.8416212335729143;

at::Tensor images(int64_t rows, uint64_t seed = 3) {
  auto generator = at::detail::createCPUGenerator(seed);
  return torch::rand({rows, 1, 6, 6}, generator);
}

Model small_vae(int64_t epochs = 2) {
  const auto learner =
      autoencoder_variational(input() + dense(8, "elu") + variational(3) + dense(8, "elu") + output("sigmoid"));
  return train(learner, images(64), TrainOptions().epochs(epochs).batch_size(16).seed(2));
}

TEST(Generate, TheGridFollowsRutaOrderAndQnorm) {
  const Model vae = small_vae();
  const auto grid = vae.generation_grid({2, 3}, 0.05, 0.95, 3, 0.2).to(torch::kDouble);
  ASSERT_EQ(grid.sizes(), (std::vector<int64_t>{9, 3}));
  const double values[3] = {kQ05, 0.0, kQ95};
  for (int64_t r = 0; r < 9; ++r) {
    EXPECT_NEAR(grid[r][0].item<double>(), kQ20, 1e-6);                // fixed at qnorm(0.2)
    EXPECT_NEAR(grid[r][1].item<double>(), values[r % 3], 1e-6) << r;  // the first listed unit varies fastest
    EXPECT_NEAR(grid[r][2].item<double>(), values[r / 3], 1e-6) << r;
  }
  const auto generated = vae.generate({2, 3}, 0.05, 0.95, 3, 0.2);
  EXPECT_EQ(generated.sizes(), (std::vector<int64_t>{9, 1, 6, 6}));
  EXPECT_TRUE(torch::equal(generated, vae.decode(vae.generation_grid({2, 3}, 0.05, 0.95, 3, 0.2))));
  EXPECT_EQ(vae.generate().size(0), 100);  // ruta's defaults: units 1 and 2, side 10
}

TEST(Generate, BadRequestsAreRefusedWithTheReason) {
  const Model vae = small_vae(1);
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              vae.generate({1, 4});
            }),
            "generate: latent unit 4 is outside 1..3 (the code has 3 units)");
  EXPECT_EQ(error_of<InvalidArgument>([&] { vae.generate({1, 1}); }), "generate: latent unit 1 is listed twice");
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              vae.generate({1, 2, 3}, 0.05, 0.95, 10000000);
            }),
            "generate: side^dimensions is 1e+21 points, more than 10^6; use a smaller side or fewer dimensions");
  EXPECT_EQ(error_of<InvalidArgument>([&] { vae.generate({1}, 0.0, 0.9); }),
            "generate: from must be a probability in (0, 1), got 0; qnorm(0) and qnorm(1) are infinite");
  EXPECT_THROW(vae.sample(0), InvalidArgument);
  const Model plain = train(autoencoder(input() + dense(2) + output()), images(16), TrainOptions().epochs(1).seed(1));
  EXPECT_EQ(
      error_of<InvalidArgument>([&] { plain.generate(); }),
      "generate: the model is basic, not variational or adversarial; train one with autoencoder_variational (--type "
      "variational) or autoencoder_adversarial (--type adversarial)");
  EXPECT_THROW(plain.sample(3), InvalidArgument);
  EXPECT_THROW(plain.encode(images(2), /*sample=*/true), InvalidArgument);
}

TEST(Generate, EncodeGivesThePosteriorMeanOrADraw) {
  const Model vae = small_vae(1);
  const auto x = images(5, 9);
  EXPECT_TRUE(torch::equal(vae.encode(x), vae.encode(x)));
  torch::manual_seed(1);
  const auto a = vae.encode(x, true);
  torch::manual_seed(2);
  const auto b = vae.encode(x, true);
  EXPECT_FALSE(torch::equal(a, b));
  const auto q = ModelAccess::impl(vae).net->posterior(x.reshape({5, -1}));
  EXPECT_TRUE(torch::allclose(vae.encode(x), q.mean));
  // Draws from the prior decode to images.
  EXPECT_EQ(vae.sample(4).sizes(), (std::vector<int64_t>{4, 1, 6, 6}));
}

TEST(Generate, TheElboIsReconstructionSummedOverFeaturesPlusBetaTimesKl) {
  const auto learner = autoencoder_variational(input() + variational(2) + output("sigmoid"), "bce", 0.5);
  nn::AutoencoderNet net(learner.network, 6);
  net->eval();
  Objective objective(learner, net);
  const auto x = torch::rand({4, 6});
  torch::manual_seed(5);
  const auto terms = objective(x);
  ASSERT_EQ(terms.parts.size(), 2u);
  EXPECT_EQ(terms.parts[0].first, "reconstruction");
  EXPECT_EQ(terms.parts[1].first, "kl");
  // Independently: the same draw of epsilon, the bce summed over a row, the closed-form KL.
  torch::manual_seed(5);
  const auto q = net->posterior(x);
  const auto z = q.mean + (0.5 * q.log_var).exp() * torch::randn_like(q.mean);
  const auto p = net->decode(z).clamp(1e-7, 1 - 1e-7);
  const double reconstruction = (-(x * p.log() + (1 - x) * (1 - p).log())).sum(1).mean().item<double>();
  const double kl = (0.5 * (q.log_var.exp() + q.mean.square() - 1 - q.log_var)).sum(1).mean().item<double>();
  EXPECT_NEAR(terms.parts[0].second.item<double>(), reconstruction, 1e-4);
  EXPECT_NEAR(terms.parts[1].second.item<double>(), kl, 1e-5);
  EXPECT_NEAR(terms.total.item<double>(), reconstruction + 0.5 * kl, 1e-4);
}

TEST(Generate, TrainingAVaeRecordsReconstructionAndKlAndLowersTheLoss) {
  const Model vae = small_vae(15);
  const auto& epochs = vae.history().epochs;
  EXPECT_LT(epochs.back().value("loss"), epochs.front().value("loss"));
  EXPECT_NEAR(epochs.back().value("loss"), epochs.back().value("reconstruction") + epochs.back().value("kl"), 1e-3);
  EXPECT_TRUE(is_variational(vae.learner()));
}

TEST(Generate, SavedVariationalAndConvModelsDecodeIdentically) {
  const Model vae = small_vae(1);
  const Model conv_model = train(autoencoder(parse_network("input() + conv(4, 3, relu, max_pooling = 2) + flatten() + "
                                                           "variational(2) + dense(36, relu) + reshape(4, 3, 3) + "
                                                           "conv_transpose(4, 3, relu, strides = 2) + output(sigmoid)"),
                                             "bce"),
                                 images(32), TrainOptions().epochs(1).seed(3));
  EXPECT_TRUE(is_variational(conv_model.learner()));
  for (const Model* model : {&vae, &conv_model}) {
    const std::string path = temp_path("shaped.hgm");
    model->save(path);
    const Model loaded = Model::load(path);
    const auto codes = torch::randn({7, model->code_dim()});
    EXPECT_TRUE(torch::equal(loaded.decode(codes), model->decode(codes)));
    EXPECT_TRUE(torch::equal(loaded.generate({1, 2}, 0.1, 0.9, 4), model->generate({1, 2}, 0.1, 0.9, 4)));
    EXPECT_TRUE(torch::equal(loaded.encode(images(3)), model->encode(images(3))));
    EXPECT_EQ(loaded.sample_shape(), (Shape{1, 6, 6}));
    EXPECT_EQ(loaded.learner().variational->beta, 1.0);
  }
}

TEST(Generate, ShapedModelsTakeFlatOrShapedRowsAndRefuseOtherShapes) {
  const Model model = train(autoencoder(parse_network("input() + conv(2, 3, relu, max_pooling = 2) + "
                                                      "conv(1, 3, sigmoid, upsampling = 2)"),
                                        "bce"),
                            images(8), TrainOptions().epochs(1).seed(3));
  const auto x = images(4);
  EXPECT_TRUE(torch::equal(model.reconstruct(x), model.reconstruct(x.reshape({4, 36}))));
  EXPECT_EQ(model.reconstruct(x).sizes(), x.sizes());
  EXPECT_EQ(model.code_dim(), 2 * 3 * 3);
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              model.encode(torch::rand({2, 1, 7, 7}));
            }),
            "encode: the model was trained on samples of shape 1x6x6 but the data has samples of shape 1x7x7; "
            "use data shaped like the training data (rows x 36 or rows x 1x6x6)");
  EXPECT_THROW(model.evaluate(torch::rand({2, 35})), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
