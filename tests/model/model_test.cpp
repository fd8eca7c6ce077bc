#include "hourglass/model/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/safetensors.hpp"
#include "model/serialization.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using hourglass::testing::iris;
using hourglass::testing::temp_path;

Model small_model(const std::string& scale = "zscore") {
  return train(autoencoder(input() + dense(3, "tanh") + batch_norm() + dense(2) + dense(3, "elu") + output()),
               iris().features, TrainOptions().epochs(3).scale(scale).validation_split(0.1).seed(4));
}

TEST(Model, SaveAndLoadGiveBitIdenticalResults) {
  const auto x = iris().features;
  const Model model = small_model();
  const std::string path = temp_path("model.hgm");
  model.save(path);
  const Model loaded = Model::load(path);
  EXPECT_TRUE(torch::equal(model.encode(x), loaded.encode(x)));
  EXPECT_TRUE(torch::equal(model.reconstruct(x), loaded.reconstruct(x)));
  const auto codes = torch::randn({5, 2});
  EXPECT_TRUE(torch::equal(model.decode(codes), loaded.decode(codes)));
  EXPECT_EQ(loaded.network(), model.network());
  EXPECT_EQ(loaded.learner().loss, "mse");
  EXPECT_EQ(loaded.scaler().kind(), "zscore");
  EXPECT_EQ(loaded.seed(), 4u);
  ASSERT_EQ(loaded.history().epochs.size(), 3u);
  EXPECT_EQ(loaded.history().epochs[2].values, model.history().epochs[2].values);
  EXPECT_EQ(loaded.summary(), model.summary());
}

TEST(Model, FileIsSafetensorsWithHourglassMetadata) {
  const std::string path = temp_path("model.safetensors");
  small_model().save(path);
  const std::string bytes = read_file(path);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(bytes[i]);
  const auto header = nlohmann::json::parse(bytes.substr(8, header_len));
  EXPECT_EQ(header["__metadata__"]["format"], "hourglass");
  EXPECT_EQ(header["__metadata__"]["format_version"], "2");
  const auto config = nlohmann::json::parse(header["__metadata__"]["config"].get<std::string>());
  EXPECT_EQ(config["learner"]["network"],
            "input() + dense(3, tanh) + batch_norm() + dense(2, linear) + dense(3, elu) + output(linear)");
  EXPECT_EQ(header["net.encoder.0.weight"]["dtype"], "F32");
  EXPECT_EQ(header["net.encoder.0.weight"]["shape"], nlohmann::json({3, 4}));
  EXPECT_TRUE(header.contains("net.encoder.2.running_mean"));
  EXPECT_TRUE(header.contains("scaler.offset"));
  EXPECT_EQ((8 + header_len) % 8, 0u);
}

TEST(Model, EvaluateComputesTheMetricsInTheDataUnits) {
  const auto x = iris().features;
  const Model model = small_model("minmax");
  const auto r = model.reconstruct(x);
  const auto values = model.evaluate(x, {"mse", "mae"});
  EXPECT_NEAR(values.at("mse"), (r - x).square().mean().item<double>(), 1e-6);
  EXPECT_NEAR(values.at("mae"), (r - x).abs().mean().item<double>(), 1e-6);
  EXPECT_THROW(model.evaluate(x, {"r2"}), InvalidArgument);
  EXPECT_TRUE(torch::allclose(model.decode(model.encode(x)), r));
}

TEST(Model, RejectsDataOfAnotherWidth) {
  const Model model = small_model();
  try {
    model.encode(torch::zeros({2, 5}));
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("expects 4 columns but the data has 5"), std::string::npos);
  }
  EXPECT_THROW(model.decode(torch::zeros({2, 3})), InvalidArgument);
  EXPECT_THROW(model.reconstruct(torch::zeros({4})), InvalidArgument);
}

TEST(Model, EveryTruncationOfAFileIsRefusedCleanly) {
  const std::string bytes = serialize_model(ModelAccess::impl(small_model("none")));
  for (size_t length = 0; length < bytes.size(); ++length) {
    EXPECT_THROW(deserialize_model(std::string_view(bytes).substr(0, length), "cut.hgm"), ModelFileError)
        << "length " << length;
  }
  EXPECT_NO_THROW(deserialize_model(bytes, "whole.hgm"));
}

// A flipped byte in a checkpoint's optimizer state once corrupted memory on --resume:
// every file carries a CRC-32 checked before anything in it is parsed.
TEST(Model, AnyFlippedByteIsRefusedAsCorrupted) {
  const std::string bytes = serialize_model(ModelAccess::impl(small_model()));
  int corrupted = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
    try {
      deserialize_model(damaged, "damaged.hgm");
      ADD_FAILURE() << "byte " << i << " flipped was read";
    } catch (const ModelFileError& e) {
      corrupted += std::string(e.what()).find("is corrupted") != std::string::npos;
    }
  }
  // The rest are refused before the checksum is found (the length, the checksum's key).
  EXPECT_GT(corrupted, static_cast<int>(bytes.size()) * 9 / 10);
}

TEST(Model, AFileOfThisVersionWithoutChecksumIsRefused) {
  auto contents = safetensors::decode(serialize_model(ModelAccess::impl(small_model("none"))), "x");
  const auto message = testing::error_of<ModelFileError>([&] {
    deserialize_model(safetensors::encode(contents.tensors, contents.metadata, /*checksum=*/false), "bare.hgm");
  });
  EXPECT_NE(message.find("it has no checksum"), std::string::npos) << message;
}

TEST(Model, NonFiniteNumbersInTheHistorySaveAndLoad) {
  Model model = small_model("none");
  auto impl = ModelAccess::impl(model);
  History history = impl.history;
  history.epochs.back().values.emplace_back("val_custom", std::numeric_limits<double>::infinity());
  history.epochs.back().values.emplace_back("custom", std::nan(""));
  impl.history = history;
  const auto loaded = deserialize_model(serialize_model(impl), "inf.hgm");
  EXPECT_EQ(loaded->history.epochs.back().value("val_custom"), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(loaded->history.epochs.back().value("custom")));
}

TEST(Model, AnEnsembleSavesAndLoadsWhole) {
  const auto x = iris().features;
  const Model ensemble = train(autoencoder(input() + dense(3, "tanh") + batch_norm() + dense(2) + output()), x,
                               TrainOptions().epochs(2).scale("zscore").ensemble(3).seed(4));
  const std::string path = temp_path("ensemble.hgm");
  ensemble.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.ensemble_size(), 3);
  EXPECT_TRUE(torch::equal(loaded.score(x), ensemble.score(x)));
  EXPECT_TRUE(torch::equal(loaded.reconstruct(x), ensemble.reconstruct(x)));
  EXPECT_TRUE(torch::equal(loaded.encode(x), ensemble.encode(x)));

  // A file missing one member's tensor, or claiming more members than it holds, is refused.
  auto contents = safetensors::decode(serialize_model(ModelAccess::impl(ensemble)), "x");
  const auto tensors = contents.tensors;
  contents.tensors.erase(std::find_if(contents.tensors.begin(), contents.tensors.end(),
                                      [](const auto& t) { return t.first.rfind("member.2.net.", 0) == 0; }));
  ASSERT_EQ(contents.tensors.size() + 1, tensors.size());
  auto message = testing::error_of<ModelFileError>(
      [&] { deserialize_model(safetensors::encode(contents.tensors, contents.metadata), "cut.hgm"); });
  EXPECT_NE(message.find("is not a valid Hourglass model file"), std::string::npos) << message;
  contents.tensors = tensors;
  auto config = nlohmann::json::parse(contents.metadata["config"]);
  for (int size : {4, 1, 1000}) {
    config["ensemble"] = size;
    contents.metadata["config"] = config.dump();
    message = testing::error_of<ModelFileError>(
        [&] { deserialize_model(safetensors::encode(contents.tensors, contents.metadata), "claims.hgm"); });
    EXPECT_NE(message.find("is not a valid Hourglass model file"), std::string::npos) << message;
  }
}

TEST(Model, AHeaderClaimingHugeTensorsIsRefused) {
  auto contents = safetensors::decode(serialize_model(ModelAccess::impl(small_model("none"))), "x");
  nlohmann::json header = {
      {"__metadata__", contents.metadata},
      {"net.encoder.0.weight", {{"dtype", "F32"}, {"shape", {1u << 30, 1u << 30}}, {"data_offsets", {0, 16}}}}};
  std::string text = header.dump();
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>(text.size() >> (8 * i) & 0xFF);
  file += text + std::string(16, '\0');
  EXPECT_THROW(deserialize_model(file, "huge.hgm"), ModelFileError);
}

TEST(Model, AConfigClaimingAHugeNetworkIsRefusedBeforeAllocating) {
  auto contents = safetensors::decode(serialize_model(ModelAccess::impl(small_model("none"))), "x");
  auto config = nlohmann::json::parse(contents.metadata["config"]);
  for (const std::string network : {"input() + dense(1000000000) + output()",
                                    "input() + flatten() + reshape(1000000000, 1000000000, 1000000000) + conv(1, 3)"}) {
    config["learner"]["network"] = network;
    contents.metadata["config"] = config.dump();
    const auto message = testing::error_of<ModelFileError>(
        [&] { deserialize_model(safetensors::encode(contents.tensors, contents.metadata), "huge.hgm"); });
    EXPECT_NE(message.find("is not a valid Hourglass model file"), std::string::npos) << message;
  }
}

TEST(Model, ANewerFormatVersionIsRefusedNamingBothVersions) {
  auto contents = safetensors::decode(serialize_model(ModelAccess::impl(small_model("none"))), "x");
  contents.metadata["format_version"] = "7";
  const std::string bytes = safetensors::encode(contents.tensors, contents.metadata);
  try {
    deserialize_model(bytes, "new.hgm");
    FAIL();
  } catch (const ModelFileError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("version 7"), std::string::npos) << message;
    EXPECT_NE(message.find("reads version 2"), std::string::npos) << message;
  }
}

TEST(Model, VariantPropertiesSurviveSaveAndLoad) {
  const auto learner = add_weight_decay(
      make_robust(
          make_denoising(
              make_contractive(autoencoder_sparse(input() + dense(2, "sigmoid") + output(), "bce", 0.07, 0.3), 1e-3),
              noise_cauchy(0.01)),
          0.4),
      0.05, true);
  const Model model = train(learner, iris().features, TrainOptions().epochs(2).scale("minmax").seed(1));
  const std::string path = temp_path("variants.hgm");
  model.save(path);
  const Model loaded = Model::load(path);
  EXPECT_EQ(loaded.learner().to_string(), learner.to_string());
  EXPECT_EQ(loaded.learner().sparsity->high_probability, 0.07);
  EXPECT_EQ(loaded.learner().contraction->weight, 1e-3);
  EXPECT_EQ(*loaded.learner().noise, noise_cauchy(0.01));
  EXPECT_EQ(loaded.learner().correntropy->sigma, 0.4);
  EXPECT_TRUE(loaded.learner().weight_decay->all_layers);
  EXPECT_TRUE(is_trained(loaded));
  EXPECT_EQ(loaded.history().columns(), model.history().columns());
}

TEST(Model, AnUntrainedModelSaysSo) {
  const Model empty;
  EXPECT_FALSE(is_trained(empty));
  EXPECT_THROW(empty.encode(torch::ones({1, 4})), InvalidArgument);
  EXPECT_THROW(empty.save(temp_path("never.hgm")), InvalidArgument);
}

TEST(Model, ForeignOrMissingFilesAreModelFileErrors) {
  EXPECT_THROW(Model::load(temp_path("absent.hgm")), ModelFileError);
  const std::string path = temp_path("plain.safetensors");
  write_file_atomically(path, safetensors::encode({{"w", torch::ones({2})}}, {}));
  EXPECT_THROW(Model::load(path), ModelFileError);
}

}  // namespace
}  // namespace hourglass
