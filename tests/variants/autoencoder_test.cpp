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
  EXPECT_NE(add_weight_decay(autoencoder(kNet), 0.01, true)
                .to_string()
                .find("weight decay: 0.01 (every dense and conv kernel)"),
            std::string::npos);
}

TEST(Variants, MakeVariantReadsOneOrSeveralNames) {
  const auto learner = make_variant(autoencoder(kNet), "sparse, denoising");
  EXPECT_EQ(learner.types(), (std::vector<std::string>{"sparse", "denoising"}));
  EXPECT_EQ(make_variant(autoencoder(kNet), "basic").types(), std::vector<std::string>{"basic"});
  EXPECT_EQ(error_of<InvalidArgument>([] { make_variant(autoencoder(kNet), "sparse,fancy"); }),
            "unknown autoencoder type 'fancy' (valid: basic, sparse, contractive, denoising, robust, variational, "
            "adversarial)");
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

TEST(Variants, AdversarialHasItsDefaultsPrintsAndCombines) {
  const Network net = input() + dense(8, "tanh") + dense(2) + dense(8, "tanh") + output();
  const auto aae = autoencoder_adversarial(net);
  ASSERT_TRUE(is_adversarial(aae));
  EXPECT_FALSE(is_adversarial(autoencoder(net)));
  EXPECT_EQ(aae.adversarial->prior, "normal");
  EXPECT_EQ(aae.adversarial->discriminator, (std::vector<int64_t>{64, 64}));
  EXPECT_EQ(aae.adversarial->weight, 1.0);
  const auto both = make_denoising(make_adversarial(autoencoder(net), "mixture:6", {16}, 0.5), noise_gaussian(0.1));
  EXPECT_EQ(both.types(), (std::vector<std::string>{"denoising", "adversarial"}));
  EXPECT_EQ(both.to_string(),
            "Autoencoder learner (denoising, adversarial)\n"
            "  network: input() + dense(8, tanh) + dense(2, linear) + dense(8, tanh) + output(linear)\n"
            "  loss: mse\n"
            "  adversarial: prior mixture:6, discriminator 16, weight 0.5\n"
            "  noise: gaussian:0.1\n");
  EXPECT_EQ(make_variant(autoencoder(net), "adversarial").adversarial->prior, "normal");
  EXPECT_TRUE(is_contractive(make_contractive(aae)));
  EXPECT_TRUE(is_robust(make_robust(aae)));
  EXPECT_TRUE(has_weight_decay(add_weight_decay(aae)));
}

TEST(Variants, AdversarialRefusesWhatMakesNoSense) {
  const Network net = input() + dense(8, "tanh") + dense(2) + dense(8, "tanh") + output();
  const auto basic = autoencoder(net);
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_adversarial(basic, "cauchy"); }),
            "unknown prior 'cauchy' (valid: normal, uniform, mixture:K with K components)");
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              make_adversarial(basic, "normal", {64, 0});
            }),
            "adversarial: the discriminator needs one or more hidden sizes from 1 to 4096, got '64,0'; e.g. 64,64");
  EXPECT_THROW(make_adversarial(basic, "normal", {}), InvalidArgument);
  EXPECT_THROW(make_adversarial(basic, "normal", {5000}), InvalidArgument);
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_adversarial(basic, "normal", {64}, -1); }),
            "adversarial: weight must be a finite number >= 0, got -1");
  const std::string both =
      "an autoencoder cannot be both variational and adversarial: each shapes the codes towards a prior (the KL term "
      "or the discriminator); choose one";
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_variational(make_adversarial(basic)); }), both);
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_variant(basic, "adversarial,variational"); }), both);
  EXPECT_NE(error_of<InvalidArgument>([&] { make_adversarial(make_sparse(basic)); }).find("cannot also be sparse"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([&] { make_sparse(make_adversarial(basic)); }).find("cannot also be sparse"),
            std::string::npos);
  // A variational code layer already has its prior: autoencoder() makes the learner
  // variational, and without that property (set by hand) the layer is named.
  auto variational_code = autoencoder(input() + dense(8) + variational(2) + dense(8) + output());
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_adversarial(variational_code); }), both);
  variational_code.variational.reset();
  EXPECT_EQ(error_of<InvalidArgument>([&] { make_adversarial(variational_code); }),
            "adversarial: the code is the variational layer variational(2), whose KL term already pulls it to N(0, I); "
            "use a dense code layer");
  // Fields set by hand are checked before training.
  auto by_hand = basic;
  by_hand.adversarial = Adversarial{"mixture:0", {8}, 1};
  EXPECT_THROW(by_hand.validate(), InvalidArgument);
}

}  // namespace
}  // namespace hourglass
