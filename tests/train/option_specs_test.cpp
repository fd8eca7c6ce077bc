// The training options' one declaration (option_specs.hpp): values, checks, JSON, the
// command line's flags, and an option declared outside the library reaching them all.
#include "hourglass/train/option_specs.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hourglass/error.hpp"
#include "support/cli.hpp"

namespace hourglass {
namespace {

using testing::error_of;
using json = nlohmann::json;

const OptionSpec* find_spec(const std::string& name) {
  for (const auto& spec : train_option_specs())
    if (spec.name == name) return &spec;
  return nullptr;
}

TEST(OptionSpecs, TheTableReadsAndWritesTrainOptionsOwnFieldsAndDefaults) {
  // The defaults users of ruta and Keras expect, read through the declaration.
  EXPECT_EQ(std::get<int64_t>(default_value(train_option_spec("epochs"))), 20);
  EXPECT_EQ(std::get<int64_t>(default_value(train_option_spec("batch_size"))), 32);
  EXPECT_EQ(std::get<bool>(default_value(train_option_spec("shuffle"))), true);
  EXPECT_EQ(std::get<std::string>(default_value(train_option_spec("scale"))), "none");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(default_value(train_option_spec("seed"))));
  EXPECT_EQ(default_text(train_option_spec("seed")), "none");
  EXPECT_EQ(&train_option_spec("lr"), &train_option_spec("learning_rate"));
  // Each declared name is one of TrainOptions' fields: setting it through the table
  // changes what the fluent getter returns.
  TrainOptions o;
  set_train_option(o, "epochs", int64_t{7});
  set_train_option(o, "batch_size", 64.0);  // a whole double, as R passes it
  set_train_option(o, "learning_rate", int64_t{1});
  set_train_option(o, "metrics", std::string("mae"));
  set_train_option(o, "seed", int64_t{42});
  set_train_option(o, "missing_indicators", true);
  EXPECT_EQ(o.epochs(), 7);
  EXPECT_EQ(o.batch_size(), 64);
  EXPECT_EQ(o.learning_rate(), 1.0);
  EXPECT_EQ(o.metrics(), std::vector<std::string>{"mae"});
  EXPECT_EQ(o.seed(), std::optional<uint64_t>(42));
  EXPECT_TRUE(o.missing_indicators());
  set_train_option(o, "seed", std::monostate{});
  EXPECT_FALSE(o.seed().has_value());
}

TEST(OptionSpecs, ValuesOutsideTheirTypeOrRangeAreRefusedWithTheTablesMessages) {
  TrainOptions o;
  const auto refusal = [&](const std::string& name, const OptionValue& value) {
    return error_of<InvalidArgument>([&] { set_train_option(o, name, value); });
  };
  EXPECT_EQ(refusal("batch_size", int64_t{0}), "batch size must be at least 1, got 0");
  EXPECT_EQ(refusal("validation_split", 1.0), "validation split must be in [0, 1), got 1");
  EXPECT_EQ(refusal("trim", 0.6), "trim must be a share of rows from 0 (off) to 0.5, got 0.6");
  EXPECT_EQ(refusal("ensemble", int64_t{101}), "ensemble: expected 1 to 100 networks, got 101");
  EXPECT_EQ(refusal("momentum", std::nan("")), "momentum must be in [0, 1), got nan");
  EXPECT_EQ(refusal("epochs", 2.5), "epochs must be a whole number, got 2.5");
  EXPECT_EQ(refusal("seed", int64_t{-1}), "seed must be a whole number >= 0 or none, got -1");
  EXPECT_EQ(refusal("shuffle", std::string("yes")), "shuffle must be true or false, got yes");
  EXPECT_NE(refusal("epoch", int64_t{1}).find("unknown training option 'epoch' (valid: epochs, batch_size"),
            std::string::npos);
  EXPECT_EQ(o.batch_size(), 32) << "a refused value leaves the option as it was";
  // Names are checked by their registries when the options are checked as a whole.
  o.optimizer("adamw");
  EXPECT_NE(error_of<InvalidArgument>([&] { check_train_options(o); }).find("adamw"), std::string::npos);
  o.optimizer("adam");
  EXPECT_EQ(error_of<InvalidArgument>([&] { check_train_options(o); }), "no error");
}

TEST(OptionSpecs, TheCommandLinesTextParsesToEachType) {
  const auto parse = [](const std::string& name, const std::string& text) {
    return parse_option_value(train_option_spec(name), text);
  };
  EXPECT_EQ(std::get<int64_t>(parse("epochs", "12")), 12);
  EXPECT_EQ(std::get<double>(parse("learning_rate", "1e-3")), 1e-3);
  EXPECT_EQ(std::get<bool>(parse("shuffle", "false")), false);
  EXPECT_EQ(std::get<std::vector<std::string>>(parse("metrics", "mae, binary_accuracy")),
            (std::vector<std::string>{"mae", "binary_accuracy"}));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(parse("seed", "none")));
  EXPECT_EQ(error_of<InvalidArgument>([&] { parse("epochs", "12x"); }), "epochs must be a whole number, got 12x");
  EXPECT_EQ(error_of<InvalidArgument>([&] { parse("epochs", "1e3"); }), "epochs must be a whole number, got 1e3");
  // Whole numbers are read exactly to int64's limit, and beyond it refused, not clamped.
  EXPECT_EQ(std::get<int64_t>(parse("batch_size", "9223372036854775807")), INT64_MAX);
  EXPECT_EQ(error_of<InvalidArgument>([&] { parse("epochs", "99999999999999999999999"); }),
            "epochs must be a whole number, got 99999999999999999999999");
  EXPECT_EQ(error_of<InvalidArgument>([&] { parse("trim", ""); }), "trim must be a number, got ");
}

TEST(OptionSpecs, TrainOptionsRoundTripThroughJson) {
  TrainOptions o;
  o.epochs(3).batch_size(5).optimizer("adam").learning_rate(0.25).shuffle(false).seed(9).metrics({"mae", "mse"});
  o.trim(0.1).ensemble(2).other_level(4).scale("zscore");
  const json written = json::parse(train_options_to_json(o));
  EXPECT_EQ(written.at("epochs"), 3);
  EXPECT_EQ(written.at("seed"), 9);
  EXPECT_EQ(written.at("metrics"), json({"mae", "mse"}));
  EXPECT_TRUE(json::parse(train_options_to_json(TrainOptions())).at("seed").is_null());
  const TrainOptions back = train_options_from_json(written.dump());
  EXPECT_EQ(train_options_to_json(back), written.dump());
  // Only the fields given change; the others keep `start`'s values.
  const TrainOptions some = train_options_from_json(R"({"batch_size": 8})", o);
  EXPECT_EQ(some.batch_size(), 8);
  EXPECT_EQ(some.epochs(), 3);
}

TEST(OptionSpecs, BadJsonIsRefusedByTypeWithoutEchoingTheValue) {
  EXPECT_EQ(error_of<InvalidArgument>([] { train_options_from_json("[1]"); }),
            "expected the training options as a JSON object, got a JSON array");
  EXPECT_EQ(error_of<InvalidArgument>([] { train_options_from_json(R"({"epochs": "ten"})"); }),
            "epochs must be a whole number, got ten");
  // A deeply nested value: refused before it is parsed, never serialised again; a
  // shallow one of the wrong type by its type.
  const std::string deep = R"({"metrics": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(error_of<InvalidArgument>([&] { train_options_from_json(deep); }),
            "expected the training options as JSON nesting at most 32 levels of arrays and objects, got deeper "
            "nesting; nothing was read");
  EXPECT_EQ(error_of<InvalidArgument>([&] { train_options_from_json(R"({"metrics": [[["mse"]]]})"); }),
            "metrics must be names, got a JSON array");
}

// A plug-in's option: declared at run time, it reaches the JSON codec and the command
// line's flags and help without any binding naming it (the R package's test does the same
// for train() and train_options()).
TEST(OptionSpecs, AnOptionDeclaredOutsideTheLibraryReachesEveryBinding) {
  OptionSpec spec;
  spec.name = "test_only_warmup";
  spec.type = OptionType::integer;
  spec.help = "epochs at a lower learning rate first (a test's own option)";
  spec.extension_default = int64_t{3};
  spec.min = 0;
  spec.refusal = "test_only_warmup must be >= 0, got {}";
  declare_train_option(spec);
  ASSERT_NE(find_spec("test_only_warmup"), nullptr);
  EXPECT_EQ(error_of<InvalidArgument>([&] { declare_train_option(spec); }),
            "declare_train_option: 'test_only_warmup' is taken");

  TrainOptions o;
  EXPECT_EQ(std::get<int64_t>(get_train_option(o, "test_only_warmup")), 3);
  EXPECT_EQ(json::parse(train_options_to_json(o)).at("test_only_warmup"), 3);
  o = train_options_from_json(R"({"test_only_warmup": 5})");
  EXPECT_EQ(std::get<int64_t>(o.extensions.at("test_only_warmup")), 5);
  EXPECT_EQ(error_of<InvalidArgument>([] { train_options_from_json(R"({"test_only_warmup": -1})"); }),
            "test_only_warmup must be >= 0, got -1");
  // A refusal without a "{}" for the value gets the value after it.
  OptionSpec plain;
  plain.name = "test_only_plain_refusal";
  plain.type = OptionType::number;
  plain.extension_default = 0.0;
  plain.max = 1;
  plain.refusal = "test_only_plain_refusal must be at most 1";
  declare_train_option(plain);
  EXPECT_EQ(error_of<InvalidArgument>([&] { set_train_option(o, "test_only_plain_refusal", 2.5); }),
            "test_only_plain_refusal must be at most 1, got 2.5");
  const json specs = json::parse(train_option_specs_json());
  EXPECT_EQ(specs.at(specs.size() - 2).at("name"), "test_only_warmup");
  EXPECT_EQ(specs.at(specs.size() - 2).at("default"), 3);

  const auto help = testing::hourglass_in_process({"train", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--test-only-warmup"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("epochs at a lower learning rate first (a test's own option) (default 3)"), std::string::npos)
      << help.out;
  const auto refused = testing::hourglass_in_process({"train", testing::kIris, "--test-only-warmup=-2"});
  EXPECT_EQ(refused.status, 2);
  EXPECT_EQ(refused.err, "hourglass: error: --test-only-warmup: test_only_warmup must be >= 0, got -2\n");
}

TEST(OptionSpecs, TheCommandLineOffersEachOptionWithItsDeclaredDefault) {
  const auto help = testing::hourglass_in_process({"train", "--help"});
  ASSERT_EQ(help.status, 0);
  for (const auto& spec : train_option_specs()) {
    if (!spec.in_bindings) continue;
    std::string flag = "--" + spec.name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
    EXPECT_NE(help.out.find("(default " + default_text(spec) + ")"), std::string::npos) << spec.name;
  }
  EXPECT_NE(help.out.find("--no-shuffle"), std::string::npos);
  EXPECT_NE(help.out.find("--lr"), std::string::npos);
}

}  // namespace
}  // namespace hourglass
