#include "hourglass/variants/variant_kind.hpp"

#include <gtest/gtest.h>

#include <set>

#include "hourglass/error.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/train/train.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::error_of;

const Network kSmallNet = input() + dense(8, "relu") + dense(2) + dense(8, "relu") + output();

// A learner with every property at non-default values, set through the structs (not the table).
Autoencoder everything_but_exclusive() {
  Autoencoder learner = autoencoder(kSmallNet, "mae");
  learner.sparsity = Sparsity{0.3, 0.7};
  learner.contraction = Contraction{0.01};
  learner.noise = noise_gaussian(0.25);
  learner.correntropy = Correntropy{0.5};
  learner.weight_decay = WeightDecay{0.05, true};
  return learner;
}

TEST(VariantKinds, DefaultsAreThoseOfTheConstructors) {
  const Autoencoder basic = autoencoder(kSmallNet);
  for (const auto& kind : variant_kinds()) {
    if (kind.name == "variational") continue;  // it changes the network; checked below
    const Autoencoder added = add_variant(basic, kind);
    ASSERT_TRUE(kind.present(added)) << kind.name;
    EXPECT_FALSE(kind.present(basic)) << kind.name;
    const Arguments values = kind.arguments(added);
    ASSERT_EQ(values.size(), kind.parameters.size()) << kind.name;
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(values[i].first, kind.parameters[i].name());
      if (!std::holds_alternative<std::monostate>(kind.parameters[i].default_value())) {
        EXPECT_EQ(values[i].second, kind.parameters[i].default_value()) << kind.name << " " << values[i].first;
      }
    }
  }
  EXPECT_EQ(add_variant(basic, variant_kind("sparse")).sparsity->weight, make_sparse(basic).sparsity->weight);
  EXPECT_EQ(*add_variant(basic, variant_kind("denoising")).noise, *make_denoising(basic).noise);
  EXPECT_EQ(add_variant(basic, variant_kind("variational")).variational->beta, 1.0);
  EXPECT_EQ(add_variant(basic, variant_kind("adversarial")).adversarial->discriminator,
            make_adversarial(basic).adversarial->discriminator);
}

TEST(VariantKinds, ArgumentsRoundTripThroughAdd) {
  const Autoencoder learner = everything_but_exclusive();
  Autoencoder rebuilt = autoencoder(kSmallNet, "mae");
  for (const auto& kind : variant_kinds()) {
    if (kind.present(learner)) rebuilt = add_variant(rebuilt, kind, kind.arguments(learner));
  }
  EXPECT_EQ(rebuilt.to_string(), learner.to_string());
  EXPECT_EQ(rebuilt.types(), (std::vector<std::string>{"sparse", "contractive", "denoising", "robust"}));
}

TEST(VariantKinds, NamesAndOptionsAreUnique) {
  std::set<std::string> names, options;
  for (const auto& kind : variant_kinds()) {
    EXPECT_TRUE(names.insert(kind.name).second) << kind.name;
    ASSERT_EQ(kind.options.size(), kind.parameters.size()) << kind.name;
    EXPECT_FALSE(kind.options.front().empty()) << kind.name << ": its first parameter needs an option";
    for (const auto& option : kind.options) {
      if (!option.empty()) {
        EXPECT_TRUE(options.insert(option).second) << option;
      }
    }
  }
  EXPECT_EQ(variant_kind("sparsity").name, "sparse");  // by property too
  EXPECT_NE(error_of<InvalidArgument>([] {
              variant_kind("fancy");
            }).find("unknown variant 'fancy' (valid: sparse, contractive"),
            std::string::npos);
}

TEST(VariantKinds, AddChecksNamesTypesAndRanges) {
  const Autoencoder basic = autoencoder(kSmallNet);
  const VariantKind& sparse = variant_kind("sparse");
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              add_variant(basic, sparse, {{"wieght", 0.5}});
            }),
            "sparse: unknown argument 'wieght' (valid: high_probability, weight)");
  const std::string wrong_type = error_of<InvalidArgument>([&] {
    add_variant(basic, sparse, {{"weight", std::string("heavy")}});
  });
  EXPECT_EQ(wrong_type.rfind("sparse: weight must be ", 0), 0u) << wrong_type;
  EXPECT_NE(wrong_type.find("heavy"), std::string::npos) << wrong_type;
  // The range is make_sparse's, with its message.
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              add_variant(basic, sparse, {{"weight", -1.0}});
            }),
            "sparsity: weight must be a finite number >= 0, got -1");
  // A whole number is taken for a number.
  EXPECT_EQ(add_variant(basic, sparse, {{"weight", int64_t{2}}}).sparsity->weight, 2.0);
}

TEST(VariantKinds, MakeVariantsReadsOptionsByName) {
  const Autoencoder learner = make_variants(autoencoder(kSmallNet), "denoising, sparse",
                                            {{"noise", std::string("gaussian:0.3")},
                                             {"sparsity_weight", 0.5},
                                             {"weight_decay", 0.1},
                                             {"weight_decay_all", true}});
  EXPECT_EQ(*learner.noise, noise_gaussian(0.3));
  EXPECT_EQ(learner.sparsity->weight, 0.5);
  EXPECT_EQ(learner.sparsity->high_probability, 0.1);
  ASSERT_TRUE(learner.weight_decay);
  EXPECT_EQ(learner.weight_decay->decay, 0.1);
  EXPECT_TRUE(learner.weight_decay->all_layers);
  // A noise without its parameter takes the type's default.
  EXPECT_EQ(*make_variants(autoencoder(kSmallNet), "denoising", {{"noise", std::string("cauchy")}}).noise,
            noise_cauchy());
  // Variational last, whatever the order: the sparse refusal comes before the code changes.
  EXPECT_NE(error_of<InvalidArgument>([] {
              make_variants(autoencoder(kSmallNet), "variational,sparse", {});
            }).find("cannot also be sparse"),
            std::string::npos);
}

TEST(VariantKinds, MakeVariantsRefusesWhatItWouldIgnore) {
  VariantNaming naming;
  naming.types = "--type";
  naming.option = [](const std::string& name) { return "--" + name; };
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              make_variants(autoencoder(kSmallNet), "basic", {{"sigma", 0.3}}, naming);
            }),
            "--sigma applies to the robust variant, but --type is 'basic'; add robust to --type");
  EXPECT_NE(error_of<InvalidArgument>([&] {
              make_variants(autoencoder(kSmallNet), "basic", {{"weight_decay_all", true}}, naming);
            }).find("--weight_decay_all needs --weight_decay"),
            std::string::npos);
  EXPECT_NE(error_of<InvalidArgument>([&] {
              make_variants(autoencoder(kSmallNet), "basic", {{"sigmaa", 0.3}}, naming);
            }).find("unknown variant option 'sigmaa'"),
            std::string::npos);
  EXPECT_EQ(error_of<InvalidArgument>([&] {
              make_variants(autoencoder(kSmallNet), "denoising", {{"noise", std::string("gaussian:lots")}}, naming);
            }),
            "--noise: expected a number after ':' for parameter, got 'lots'");
  EXPECT_NE(error_of<InvalidArgument>([&] {
              make_variants(autoencoder(kSmallNet), "sparse,fancy", {}, naming);
            }).find("unknown autoencoder type 'fancy'"),
            std::string::npos);
}

// The model file writes each property's parameters by the table's names, and reads them back.
TEST(VariantKinds, TheModelFileKeepsEveryProperty) {
  const Autoencoder learner = everything_but_exclusive();
  const Model model = train(learner, torch::rand({32, 6}), TrainOptions().epochs(1).seed(1));
  const std::string path = testing::temp_path("variant_kinds.hgm");
  model.save(path);
  EXPECT_EQ(Model::load(path).learner().to_string(), learner.to_string());
  const Autoencoder adversarial = make_adversarial(autoencoder(kSmallNet), "mixture:3", {16, 4}, 0.5);
  const Model other = train(adversarial, torch::rand({32, 6}), TrainOptions().epochs(1).seed(1));
  other.save(path);
  EXPECT_EQ(Model::load(path).learner().to_string(), adversarial.to_string());
}

// The public config form: the model file's learner, as text, back to the same learner.
TEST(VariantKinds, AConfigRebuildsTheLearner) {
  const Autoencoder adversarial = make_adversarial(autoencoder(kSmallNet), "mixture:3", {16, 4}, 0.5);
  for (const Autoencoder& learner :
       {everything_but_exclusive(), adversarial, make_variational(autoencoder(kSmallNet), 0.5), autoencoder("3")}) {
    const std::string config = learner.config();
    const Autoencoder again = autoencoder_from_config(config);
    EXPECT_EQ(again.to_string(), learner.to_string()) << config;
    EXPECT_EQ(again.config(), config);
  }
  EXPECT_NE(adversarial.config().find(R"("adversarial":{"discriminator":[16,4],"prior":"mixture:3","weight":0.5})"),
            std::string::npos)
      << adversarial.config();
  const auto refused = [](const std::string& config) {
    return error_of<InvalidArgument>([&] { autoencoder_from_config(config); });
  };
  EXPECT_NE(refused("sparse").find("expected a learner's config such as"), std::string::npos);
  EXPECT_NE(refused(R"({"loss": "mse"})").find("'network' not found"), std::string::npos)
      << refused(R"({"loss": "mse"})");
  EXPECT_EQ(refused(R"({"network": "3", "loss": "mse", "sparsity": {"wieght": 1}})"),
            "sparse: unknown argument 'wieght' (valid: high_probability, weight)");
  EXPECT_NE(refused(R"({"network": "3", "loss": "mse", "sparsity": {"high_probability": 2}})")
                .find("high_probability must be in (0, 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass
