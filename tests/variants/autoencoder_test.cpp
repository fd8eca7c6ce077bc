#include "hourglass/variants/autoencoder.hpp"

#include <gtest/gtest.h>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/network/parse.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;

const Network kNet = input() + dense(36, "sigmoid") + output("sigmoid");

TEST(Variants, ConstructorsUseRutasDefaults) {
  const auto sparse = autoencoder_sparse(kNet);
  ASSERT_TRUE(is_sparse(sparse));
  EXPECT_EQ(sparse.sparsity->high_probability, 0.1);
  EXPECT_EQ(sparse.sparsity->weight, 0.2);
  EXPECT_EQ(sparse.loss, "mse");
  EXPECT_EQ(autoencoder_contractive(kNet).contraction->weight, 2e-4);
  EXPECT_EQ(*autoencoder_denoising(kNet).noise, noise_zeros(0.05));
  EXPECT_EQ(autoencoder_robust(kNet).correntropy->sigma, 0.2);
  EXPECT_EQ(add_weight_decay(autoencoder(kNet)).weight_decay->decay, 0.02);
  EXPECT_FALSE(add_weight_decay(autoencoder(kNet)).weight_decay->all_layers);
  EXPECT_EQ(autoencoder_sparse(kNet, "bce", 0.05, 1.0).loss, "bce");
}

TEST(Variants, ModifiersKeepThePropertiesALearnerHas) {
  // ruta's make_robust dropped a contraction; ours keeps every property.
  const auto all = add_weight_decay(
      make_robust(make_denoising(make_contractive(make_sparse(autoencoder(kNet))), noise_gaussian(0.2)), 0.5));
  EXPECT_TRUE(is_sparse(all));
  EXPECT_TRUE(is_contractive(all));
  EXPECT_TRUE(is_denoising(all));
  EXPECT_TRUE(is_robust(all));
  EXPECT_TRUE(has_weight_decay(all));
  EXPECT_EQ(all.types(), (std::vector<std::string>{"sparse", "contractive", "denoising", "robust"}));
  // A second make_* replaces that property's parameters only.
  const auto again = make_sparse(all, 0.3, 0.7);
  EXPECT_EQ(again.sparsity->high_probability, 0.3);
  EXPECT_EQ(again.correntropy->sigma, 0.5);
  EXPECT_EQ(*again.noise, noise_gaussian(0.2));
}

TEST(Variants, PredicatesAreFalseForABasicLearner) {
  const auto basic = autoencoder(kNet);
  EXPECT_FALSE(is_sparse(basic) || is_contractive(basic) || is_denoising(basic) || is_robust(basic) ||
               has_weight_decay(basic));
  EXPECT_EQ(basic.types(), std::vector<std::string>{"basic"});
  EXPECT_FALSE(is_trained(Model()));
}

TEST(Variants, PrintingShowsTypesNetworkLossAndParameters) {
  const auto learner = make_denoising(autoencoder_sparse(kNet, "bce"), noise_gaussian(0.1));
  EXPECT_EQ(learner.to_string(),
            "Autoencoder learner (sparse, denoising)\n"
            "  network: input() + dense(36, sigmoid) + output(sigmoid)\n"
            "  loss: bce\n"
            "  sparsity: high_probability 0.1, weight 0.2\n"
            "  noise: gaussian:0.1\n");
  EXPECT_EQ(autoencoder_robust(kNet, 0.3).loss_description(), "correntropy (sigma 0.3)");
  EXPECT_NE(add_weight_decay(autoencoder(kNet), 0.01, true).to_string().find("weight decay: 0.01 (every dense and conv kernel)"),
            std::string::npos);
}

TEST(Variants, MakeVariantReadsOneOrSeveralNames) {
  const auto learner = make_variant(autoencoder(kNet), "sparse, denoising");
  EXPECT_EQ(learner.types(), (std::vector<std::string>{"sparse", "denoising"}));
  EXPECT_EQ(make_variant(autoencoder(kNet), "basic").types(), std::vector<std::string>{"basic"});
  EXPECT_EQ(error_of<InvalidArgument>([] { make_variant(autoencoder(kNet), "sparse,fancy"); }),
            "unknown autoencoder type 'fancy' (valid: basic, sparse, contractive, denoising, robust, variational)");
}

TEST(Variants, ParametersOutOfRangeAreRefused) {
  const auto basic = autoencoder(kNet);
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_sparse(basic, 1.0); }),
            "sparsity: high_probability must be in (0, 1), got 1; values near 0 ask for few active units");
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_sparse(basic, 0.1, -1); }),
            "sparsity: weight must be a finite number >= 0, got -1");
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_robust(basic, 0); }),
            "robust: sigma must be a positive number, got 0");
  EXPECT_THROW(make_contractive(basic, std::nan("")), InvalidArgument);
  EXPECT_THROW(add_weight_decay(basic, -0.1), InvalidArgument);
  EXPECT_THROW(make_denoising(basic, NoiseFilter{NoiseType::ones, 2.0}), InvalidArgument);
  // Fields set by hand are checked before training.
  auto by_hand = basic;
  by_hand.correntropy = Correntropy{-1};
  EXPECT_THROW(by_hand.validate(), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
