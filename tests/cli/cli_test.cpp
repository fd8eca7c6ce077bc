// End-to-end tests of the `hourglass` command: real processes, real files.
#include "support/cli.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hourglass/hourglass.hpp"
#include "support/fixtures.hpp"
#include "support/onnx_runtime.hpp"

namespace hourglass {
namespace {

using namespace hourglass::testing;  // NOLINT: the helpers every test here uses

std::string trained_model() {
  const std::string path = temp_path("iris.hgm");
  const Result r = hourglass_cli("train " + kIris +
                                 " --label Species --network '8,2:tanh' --scale zscore --epochs 3 "
                                 "--seed 1 --quiet --output " +
                                 path);
  EXPECT_EQ(r.status, 0) << r.err;
  return path;
}

TEST(Cli, AutoencodeWritesTheEncodingWithLabelsAndReportsPca) {
  const Result r = hourglass_cli("autoencode " + kIris + " --dim 2 --label Species --epochs 2 --seed 3");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "code_1,code_2,Species");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 151);
  EXPECT_NE(r.err.find("Total params: 22"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Epoch 2/2"), std::string::npos);
  EXPECT_NE(r.err.find("PCA (k=2, zscore scaled)"), std::string::npos) << r.err;
}

// The README's one-liner with the command's defaults (autoencode_command_options()):
// about as good as PCA, where ruta's defaults were 30 times worse; the user's options win.
TEST(Cli, TheAutoencodeOneLinerIsAsGoodAsPca) {
  const auto ratio = [](const std::string& err) {
    const auto at = err.find("(ratio ");
    return at == std::string::npos ? -1.0 : std::stod(err.substr(at + 7));
  };
  const Result r = hourglass_in_process(
      {"autoencode", kIris, "--dim", "2", "--label", "Species", "--epochs", "100", "--seed", "1", "-o", "/dev/null"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("autoencode trains with --scale zscore --optimizer adam --learning-rate 0.01"),
            std::string::npos)
      << r.err;
  EXPECT_GT(ratio(r.err), 0.0) << r.err;
  EXPECT_LT(ratio(r.err), 1.3) << r.err;
  const Result ruta =
      hourglass_in_process({"autoencode", kIris, "--dim", "2", "--label", "Species", "--epochs", "100", "--seed", "1",
                            "--scale", "none", "--optimizer", "rmsprop", "--lr", "0.001", "-o", "/dev/null"});
  ASSERT_EQ(ruta.status, 0) << ruta.err;
  EXPECT_NE(ruta.err.find("--scale none --optimizer rmsprop --learning-rate 0.001"), std::string::npos) << ruta.err;
  EXPECT_GT(ratio(ruta.err), 5.0) << ruta.err;
}

TEST(Cli, TrainSaveLoadEncodeMatchesTheLibrary) {
  const std::string model_path = trained_model();
  const std::string codes_path = temp_path("codes.csv");
  const Result r = hourglass_cli("encode " + model_path + " " + kIris + " --label Species -o " + codes_path);
  ASSERT_EQ(r.status, 0) << r.err;
  const Dataset codes = read_data(codes_path, ReadOptions().label("Species"));
  const Dataset iris = testing::iris();
  EXPECT_TRUE(torch::equal(codes.features, Model::load(model_path).encode(iris.features)));
  EXPECT_EQ(codes.labels, iris.labels);

  const Result again = hourglass_cli("encode " + model_path + " " + kIris + " --label Species");
  EXPECT_EQ(again.out, slurp(codes_path));
}

TEST(Cli, DecodeOfTheEncodingIsTheReconstruction) {
  const std::string model_path = trained_model();
  const std::string codes_path = temp_path("codes.csv");
  ASSERT_EQ(hourglass_cli("encode " + model_path + " " + kIris + " --label Species -o " + codes_path).status, 0);
  const Result decoded = hourglass_cli("decode " + model_path + " " + codes_path + " --label Species");
  const Result reconstructed = hourglass_cli("reconstruct " + model_path + " " + kIris + " --label Species");
  ASSERT_EQ(decoded.status, 0) << decoded.err;
  ASSERT_EQ(reconstructed.status, 0) << reconstructed.err;
  const auto a = parse_delimited(decoded.out, "decoded", ReadOptions().label("Species"));
  const auto b = parse_delimited(reconstructed.out, "reconstructed", ReadOptions().label("Species"));
  EXPECT_TRUE(torch::allclose(a.features, b.features, 1e-5, 1e-5));
  EXPECT_EQ(b.columns[0], "Sepal.Length");
}

TEST(Cli, EvaluatePrintsTheLibrarysMetrics) {
  const std::string model_path = trained_model();
  const Result r = hourglass_cli("evaluate " + model_path + " " + kIris + " --label Species --metric mse,mae --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto values = nlohmann::json::parse(r.out);
  const auto expected = Model::load(model_path).evaluate(testing::iris().features, {"mse", "mae"});
  EXPECT_NEAR(values["mse"].get<double>(), expected.at("mse"), 1e-9);
  EXPECT_NEAR(values["mae"].get<double>(), expected.at("mae"), 1e-9);
}

TEST(Cli, SummaryOfASpecAndOfAModel) {
  const Result spec = hourglass_cli("summary --network '64,16' --input-dim 4");
  ASSERT_EQ(spec.status, 0) << spec.err;
  // 4*64+64 + 64*16+16 + 16*64+64 + 64*4+4
  EXPECT_NE(spec.out.find("Total params: " + std::to_string(320 + 1040 + 1088 + 260)), std::string::npos) << spec.out;
  const Result model = hourglass_cli("summary " + trained_model());
  ASSERT_EQ(model.status, 0) << model.err;
  EXPECT_NE(model.out.find("dense(2, tanh)"), std::string::npos) << model.out;
  // conv: 1*16*9+16, 16*8*9+8, 8*1*9+1 (the output conv back to one channel)
  const Result conv = hourglass_cli(
      "summary --network 'input() + conv(16, 3, relu, max_pooling=2) + "
      "conv(8, 3, relu, upsampling=2) + output(sigmoid)' --input-shape 1x28x28");
  ASSERT_EQ(conv.status, 0) << conv.err;
  EXPECT_NE(conv.out.find("(None, 16, 14, 14)"), std::string::npos) << conv.out;
  EXPECT_NE(conv.out.find("Total params: " + std::to_string(160 + 1160 + 73)), std::string::npos) << conv.out;
  EXPECT_EQ(hourglass_cli("summary --network 2 --input-shape 1x0").status, 2);
}

TEST(Cli, PcaMatchesTheLibrary) {
  const Result r = hourglass_cli("pca " + kIris + " --label Species --dim 2");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto codes = parse_delimited(r.out, "pca", ReadOptions().label("Species"));
  const auto x = testing::iris().features;
  EXPECT_TRUE(torch::allclose(codes.features, pca(x, 2).encode(x), 1e-5, 1e-5));
  EXPECT_NE(r.err.find("explained variance"), std::string::npos);
}

TEST(Cli, HelpAndVersion) {
  EXPECT_EQ(hourglass_cli("--help").status, 0);
  const Result train_help = hourglass_cli("train --help");
  EXPECT_EQ(train_help.status, 0);
  EXPECT_NE(train_help.out.find("--network"), std::string::npos);
  EXPECT_NE(hourglass_cli("--version").out.find("hourglass"), std::string::npos);
}

// The variants' flags are the declaration's (variant_kinds()): each option with its help,
// the defaults as declared, and --type listing the declared names.
TEST(Cli, VariantFlagsComeFromTheDeclaration) {
  const std::string help = hourglass_in_process({"train", "--help"}).out;
  std::string flat = help;  // CLI11 wraps long help lines
  for (char& c : flat) c = c == '\n' ? ' ' : c;
  for (const auto& kind : variant_kinds()) {
    if (kind.is_type) {
      EXPECT_NE(help.find(kind.name), std::string::npos) << kind.name;
    }
    for (size_t i = 0; i < kind.options.size(); ++i) {
      if (kind.options[i].empty()) continue;
      std::string flag = "--" + kind.options[i];
      std::replace(flag.begin(), flag.end(), '_', '-');
      EXPECT_NE(help.find(flag + " "), std::string::npos) << flag;
      EXPECT_NE(flat.find(kind.parameters[i].help()), std::string::npos) << flag;
    }
  }
  EXPECT_NE(flat.find("target mean activation of the code (default 0.1)"), std::string::npos) << help;
  EXPECT_NE(flat.find("the discriminator's hidden sizes (default 64,64)"), std::string::npos) << help;
  // A parameter given by its flag reaches the model; the others keep the declared defaults.
  const std::string model = temp_path("variant_flags.hgm");
  ASSERT_EQ(hourglass_in_process({"train", kIris, "--label", "Species", "--network", "3", "--type", "sparse,denoising",
                                  "--sparsity-weight", "0.5", "--noise", "saltpepper:0.2", "--epochs", "1", "--quiet",
                                  "-o", model})
                .status,
            0);
  const Autoencoder learner = Model::load(model).learner();
  EXPECT_EQ(learner.sparsity->weight, 0.5);
  EXPECT_EQ(learner.sparsity->high_probability,
            std::get<double>(variant_kind("sparse").parameter("high_probability").default_value()));
  EXPECT_EQ(*learner.noise, noise_saltpepper(0.2));
}

// Every bad input: exit status 2, one line on stderr naming the problem, no output file.
struct BadInput {
  std::string name, arguments, message;
  bool writes_csv = true;  // the command takes --output
};

TEST(Cli, BadInputGivesOneLineAndStatusTwo) {
  const std::string model = trained_model();
  const std::string truncated = temp_path("truncated.hgm");
  {
    const std::string bytes = slurp(model);
    std::ofstream(truncated) << bytes.substr(0, bytes.size() / 2);
  }
  const std::string out = temp_path("never-written.csv");
  std::remove(out.c_str());  // a failed run of this test may have left it
  const std::vector<BadInput> cases = {
      {"missing file", "autoencode /no/such.csv --dim 2", "cannot read '/no/such.csv'"},
      {"empty file", "autoencode " + write_text("empty.csv", "") + " --dim 2", "empty"},
      {"ragged rows", "autoencode " + write_text("ragged.csv", "a,b\n1,2\n3\n") + " --dim 1", "line 3 has 1 fields"},
      {"text column for pca", "pca " + kIris + " --dim 2", "column 'Species' holds text (3 categories)"},
      {"missing cell for pca", "pca " + write_text("nan.csv", "a,b\n1,2\nNaN,3\n") + " --dim 1",
       "row 2, column 1 holds NaN"},
      {"typo in a column of numbers", "autoencode " + write_text("typo.csv", "a,b\n1,2\n3,4\n5,x\n") + " --dim 1",
       "line 4, column 2 ('b'): 'x' is not a number while 2 cells of the column are"},
      {"width mismatch", "encode " + model + " " + write_text("wide.csv", "a,b,c\n1,2,3\n"), "expects 4 columns"},
      {"truncated model", "encode " + truncated + " " + kIris + " --label Species", "is corrupted"},
      {"missing model", "encode /no/model.hgm " + kIris, "cannot read '/no/model.hgm'"},
      {"invalid spec", "train " + kIris + " --label Species --network 'input() + dens(2) + output()'", "unknown layer"},
      {"unknown loss", "train " + kIris + " --label Species --network 2 --loss hinge",
       "valid: mse, mean_squared_error, mae"},
      {"unknown optimizer", "autoencode " + kIris + " --label Species --dim 2 --optimizer lbfgs",
       "unknown optimizer 'lbfgs'"},
      {"unknown metric", "train " + kIris + " --label Species --network 2 --metrics mae,foo", "unknown metric 'foo'"},
      {"unknown precision", "autoencode " + kIris + " --label Species --dim 2 --precision fp16", "valid: fp32, bf16"},
      {"memory map of a CSV", "autoencode " + kIris + " --label Species --dim 2 --memory-map", "memory mapping"},
      {"unknown activation", "autoencode " + kIris + " --label Species --dim 2 --activation relux",
       "unknown activation 'relux'"},
      {"k too large", "pca " + kIris + " --label Species --dim 5", "between 1 and the 4 columns"},
      {"unknown metric", "evaluate " + model + " " + kIris + " --label Species --metric r2", "unknown metric 'r2'",
       false},
      {"unknown label", "pca " + kIris + " --label Kind --dim 2", "no column 'Kind'"},
      {"bad option value", "autoencode " + kIris + " --label Species --dim 2 --epochs 0", "epochs must be at least 1"},
      {"missing flag", "autoencode " + kIris, "--dim is required"},
      {"unknown flag", "pca " + kIris + " --label Species --dim 2 --dims 2", "--dims"},
      {"no subcommand", "", "subcommand"},
      {"unknown variant", "autoencode " + kIris + " --label Species --dim 2 --type sparse,fancy",
       "unknown autoencoder type 'fancy'"},
      {"p above 1", "autoencode " + kIris + " --label Species --dim 2 --type denoising --noise zeros:1.5",
       "p must be in [0, 1], got 1.5"},
      {"sigma not positive", "autoencode " + kIris + " --label Species --dim 2 --type robust --sigma 0",
       "sigma must be a positive number"},
      {"unknown noise", "noise " + kIris + " --label Species --noise pink:0.1", "unknown noise 'pink'"},
      {"sparsity out of range", "autoencode " + kIris + " --label Species --dim 2 --type sparse --sparsity 2",
       "high_probability must be in (0, 1)"},
      {"parameter without its variant", "autoencode " + kIris + " --label Species --dim 2 --sigma 0.3",
       "--sigma applies to the robust variant"},
      {"unknown prior", "autoencode " + kIris + " --label Species --dim 2 --type adversarial --prior cauchy",
       "unknown prior 'cauchy' (valid: normal, uniform, mixture:K"},
      {"mixture of one", "autoencode " + kIris + " --label Species --dim 2 --type adversarial --prior mixture:1",
       "a mixture needs 2 to 1000 components"},
      {"discriminator not sizes",
       "autoencode " + kIris +
           " --label Species --dim 2 --type adversarial "
           "--discriminator 64,x",
       "--discriminator: expected hidden sizes such as 64,64, got '64,x'"},
      {"discriminator size 0",
       "autoencode " + kIris +
           " --label Species --dim 2 --type adversarial "
           "--discriminator 0",
       "hidden sizes from 1 to 4096"},
      {"negative adversarial weight",
       "autoencode " + kIris +
           " --label Species --dim 2 --type adversarial "
           "--adversarial-weight -1",
       "adversarial: weight must be a finite number >= 0, got -1"},
      {"prior without adversarial", "autoencode " + kIris + " --label Species --dim 2 --prior uniform",
       "--prior/--discriminator/--adversarial-weight applies to the adversarial variant"},
      {"variational and adversarial", "autoencode " + kIris + " --label Species --dim 2 --type variational,adversarial",
       "cannot be both variational and adversarial"},
  };
  for (const auto& c : cases) {
    const Result r = hourglass_cli(c.arguments + (c.writes_csv ? " --output " + out : ""));
    EXPECT_EQ(r.status, 2) << c.name << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.name << ": " << r.err;
    EXPECT_EQ(r.err.rfind("hourglass: error: ", 0), 0u) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": " << r.err;
    EXPECT_FALSE(exists(out)) << c.name;
  }
}

TEST(Cli, MetricsAreReportedPerEpochAndStoredInTheHistory) {
  const std::string path = temp_path("metrics.hgm");
  const Result r = hourglass_cli("train " + kIris +
                                 " --label Species --network 2 --loss mean_squared_error "
                                 "--metrics mse,mae --validation-split 0.2 --epochs 2 --seed 1 -o " +
                                 path);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(" - mae: "), std::string::npos) << r.err;
  const Model model = Model::load(path);
  const auto& epochs = model.history().epochs;
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_NEAR(epochs[0].value("mse"), epochs[0].value("loss"), 1e-4 * epochs[0].value("loss"));
  EXPECT_TRUE(epochs[1].has("val_mae"));
}

TEST(Cli, VariantsTrainWithTheirParametersAndReportEachPenalty) {
  const std::string path = temp_path("variants.hgm");
  const Result r = hourglass_cli("train " + kIris +
                                 " --label Species --network '8,2:sigmoid' --scale minmax "
                                 "--type sparse,denoising,contractive --sparsity 0.05 --sparsity-weight 0.5 "
                                 "--noise gaussian:0.05 --contractive-weight 0.001 --weight-decay 0.01 "
                                 "--epochs 2 --seed 1 -o " +
                                 path);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Autoencoder learner (sparse, contractive, denoising)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("- reconstruction: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("- sparsity: "), std::string::npos);
  EXPECT_NE(r.err.find("- contraction: "), std::string::npos);
  EXPECT_NE(r.err.find("- weight_decay: "), std::string::npos);
  const Model model = Model::load(path);
  EXPECT_EQ(model.learner().sparsity->high_probability, 0.05);
  EXPECT_EQ(model.learner().sparsity->weight, 0.5);
  EXPECT_EQ(*model.learner().noise, noise_gaussian(0.05));
  EXPECT_EQ(model.learner().contraction->weight, 0.001);
  EXPECT_EQ(model.learner().weight_decay->decay, 0.01);

  const Result robust = hourglass_cli("autoencode " + kIris +
                                      " --label Species --dim 2 --type robust --sigma 0.5 "
                                      "--scale zscore --epochs 2 --seed 1");
  ASSERT_EQ(robust.status, 0) << robust.err;
  EXPECT_NE(robust.err.find("loss: correntropy (sigma 0.5)"), std::string::npos) << robust.err;
}

TEST(Cli, NoiseWritesACorruptedCopyWithTheSameColumns) {
  const std::string data = write_text(
      "ones.csv", "a,b,c,d\n" + [] {
        std::string rows;
        for (int i = 0; i < 500; ++i) rows += "0.5,0.5,0.5,0.5\n";
        return rows;
      }());
  const Result first = hourglass_cli("noise " + data + " --noise zeros:0.3 --seed 4");
  const Result again = hourglass_cli("noise " + data + " --noise zeros:0.3 --seed 4");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.out, again.out);
  EXPECT_EQ(first.out.substr(0, first.out.find('\n')), "a,b,c,d");
  const Dataset noisy = parse_delimited(first.out, "noisy");
  const double zeros = noisy.features.eq(0).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(zeros, 0.3, 4 * std::sqrt(0.3 * 0.7 / 2000));
  EXPECT_TRUE((noisy.features.eq(0) | noisy.features.eq(0.5)).all().item<bool>());

  const Result labelled = hourglass_cli("noise " + kIris + " --label Species --noise gaussian:0.1 --seed 1");
  ASSERT_EQ(labelled.status, 0) << labelled.err;
  EXPECT_EQ(labelled.out.substr(0, labelled.out.find('\n')),
            "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width,Species");
}

TEST(Cli, AnUnwritableOutputFailsBeforeTraining) {
  const Result r = hourglass_cli("train " + kIris + " --label Species --network 2 -o /no/such/folder/m.hgm");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.find("Epoch"), std::string::npos) << r.err;  // nothing was trained
  EXPECT_NE(r.err.find("cannot write '/no/such/folder/m.hgm'"), std::string::npos) << r.err;
}

TEST(Cli, ADivergingTrainingExitsWithStatusThree) {
  const Result r = hourglass_cli("train " + kIris +
                                 " --label Species --network 2 --optimizer sgd --seed 1 "
                                 "--lr 1000 --epochs 5 --quiet -o " +
                                 temp_path("diverged.hgm"));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("lower the learning rate"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

// Plain IDX files of `rows` random 6x6 images and their labels (digit = row % 3).
struct IdxFiles {
  std::string images, labels;
};

IdxFiles write_idx(int64_t rows) {
  auto big_endian = [](std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
  };
  std::string images("\0\0\x08\x03", 4), labels("\0\0\x08\x01", 4);
  big_endian(images, static_cast<uint32_t>(rows));
  big_endian(images, 6);
  big_endian(images, 6);
  big_endian(labels, static_cast<uint32_t>(rows));
  auto generator = at::detail::createCPUGenerator(8);
  const auto pixels = torch::randint(256, {rows * 36}, generator);
  for (int64_t i = 0; i < rows * 36; ++i) images += static_cast<char>(pixels[i].item<int64_t>());
  for (int64_t i = 0; i < rows; ++i) labels += static_cast<char>(i % 3);
  const IdxFiles files{temp_path("images-idx3-ubyte"), temp_path("labels-idx1-ubyte")};
  std::ofstream(files.images, std::ios::binary) << images;
  std::ofstream(files.labels, std::ios::binary) << labels;
  return files;
}

bool is_png(const std::string& path) { return slurp(path).rfind("\x89PNG", 0) == 0; }

TEST(Cli, AVariationalModelGeneratesGridsAndSamples) {
  const auto idx = write_idx(40);
  const std::string model = temp_path("vae.hgm");
  Result r = hourglass_cli("train " + idx.images +
                           " --network 'input() + dense(8, elu) + dense(2) + dense(8, elu) + "
                           "output(sigmoid)' --loss bce --type variational --beta 0.5 --epochs 2 --seed 1 -o " +
                           model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("became variational(2)"), std::string::npos) << r.err;  // ruta's auto_transform_network
  EXPECT_NE(r.err.find(" - kl: "), std::string::npos) << r.err;
  EXPECT_EQ(Model::load(model).learner().variational->beta, 0.5);

  r = hourglass_cli("generate " + model + " --dimensions 2,1 --side 3");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 9);
  const std::string grid_png = temp_path("grid.png"), grid_csv = temp_path("grid.csv");
  r = hourglass_cli("generate " + model + " --side 4 --png " + grid_png + " -o " + grid_csv);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(is_png(grid_png));
  EXPECT_EQ(read_data(grid_csv).rows(), 16);
  r = hourglass_cli("generate " + model + " --samples 5 --seed 3");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, hourglass_cli("generate " + model + " --samples 5 --seed 3").out);

  const Result mean = hourglass_cli("encode " + model + " " + idx.images);
  const Result drawn = hourglass_cli("encode " + model + " " + idx.images + " --sample --seed 4");
  ASSERT_EQ(drawn.status, 0) << drawn.err;
  EXPECT_NE(mean.out, drawn.out);
  EXPECT_EQ(mean.out, hourglass_cli("encode " + model + " " + idx.images).out);
}

TEST(Cli, AnAdversarialModelTrainsReportsItsDiscriminatorAndSamplesItsPrior) {
  const std::string model = temp_path("aae.hgm");
  Result r = hourglass_cli("train " + kIris +
                           " --label Species --network '8,2' --scale zscore --type adversarial,denoising "
                           "--prior mixture:3 --discriminator 16,8 --adversarial-weight 0.5 --noise gaussian:0.05 "
                           "--epochs 3 --seed 1 -o " +
                           model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(" - discriminator_loss: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" - discriminator_accuracy: "), std::string::npos) << r.err;
  const Model loaded = Model::load(model);
  ASSERT_TRUE(is_adversarial(loaded.learner()));
  EXPECT_EQ(loaded.learner().adversarial->prior, "mixture:3");
  EXPECT_EQ(loaded.learner().adversarial->discriminator, (std::vector<int64_t>{16, 8}));
  EXPECT_EQ(loaded.learner().adversarial->weight, 0.5);
  EXPECT_TRUE(is_denoising(loaded.learner()));

  r = hourglass_cli("generate " + model + " --samples 5 --seed 3");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 5);
  EXPECT_EQ(r.out, hourglass_cli("generate " + model + " --samples 5 --seed 3").out);
  r = hourglass_cli("generate " + model + " --side 3");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 9);
}

TEST(Cli, ConvNetworksTrainOnImagesAndDrawPictures) {
  const auto idx = write_idx(30);
  const std::string model = temp_path("conv.hgm");
  Result r = hourglass_cli("train " + idx.images +
                           " --network 'input() + conv(4, 3, relu, max_pooling=2) + flatten() + dense(2) + "
                           "dense(36, relu) + reshape(4, 3, 3) + conv(4, 3, relu, upsampling=2) + conv(1, 3, sigmoid)'"
                           " --loss bce --epochs 1 --seed 1 -o " +
                           model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("(None, 4, 3, 3)"), std::string::npos) << r.err;  // the summary shows shapes
  const std::string scatter = temp_path("codes.png"), pairs = temp_path("pairs.png");
  r = hourglass_cli("encode " + model + " " + idx.images + " --label " + idx.labels + " --png " + scatter);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.empty());  // the picture instead of the CSV
  EXPECT_TRUE(is_png(scatter));
  r = hourglass_cli("reconstruct " + model + " " + idx.images + " --png " + pairs + " --grid-rows 1 --columns 5");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(is_png(pairs));
  r = hourglass_cli("reconstruct " + model + " " + idx.images);
  EXPECT_EQ(r.out.substr(0, r.out.find(',')), "pixel_1");
  // Decoding chosen points of the 2-D code, as seed 004 does, and PCA's codes as a picture.
  const std::string points = write_text("points.csv", "c1,c2\n10,10\n5,5\n0,0\n"), decoded = temp_path("decoded.png");
  r = hourglass_cli("decode " + model + " " + points + " --png " + decoded);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(is_png(decoded));
  const std::string pca_scatter = temp_path("pca.png");
  r = hourglass_cli("pca " + idx.images + " --label " + idx.labels + " --dim 2 --png " + pca_scatter);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(is_png(pca_scatter));
  r = hourglass_cli("pca " + idx.images + " --dim 1 --png " + pca_scatter);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--png plots two components"), std::string::npos) << r.err;
}

TEST(Cli, RowsTakesTheFirstRowsOrARange) {
  Result r = hourglass_cli("pca " + kIris + " --label Species --dim 1 --rows 10");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 11);  // header + 10 rows
  r = hourglass_cli("pca " + kIris + " --label Species --dim 1 --rows 101:150");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 51);
  EXPECT_EQ(r.out.find("setosa"), std::string::npos);  // rows 101-150 are virginica
  for (const char* bad : {"0", "x", "10:5", "3:"}) {
    r = hourglass_cli("pca " + kIris + " --label Species --dim 1 --rows " + bad);
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_NE(r.err.find("--rows"), std::string::npos) << bad << ": " << r.err;
  }
  r = hourglass_cli("pca " + kIris + " --label Species --dim 1 --rows 151:160");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("has 150 rows"), std::string::npos) << r.err;
}

TEST(Cli, NoBaselineSkipsThePcaComparison) {
  const std::string model = temp_path("nobaseline.hgm");
  Result r = hourglass_cli("train " + kIris + " --label Species --network 2 --epochs 1 --no-baseline -o " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("PCA"), std::string::npos) << r.err;
  r = hourglass_cli("train " + kIris + " --label Species --network 2 --epochs 1 -o " + model);
  EXPECT_NE(r.err.find("PCA (k=2"), std::string::npos) << r.err;
}

TEST(Cli, SeedFoursFlowerNetworkHasKerasParameterCount) {
  const Result r = hourglass_cli(
      "summary --input-shape 3x80x80 --network 'input() + conv(32, 5, leaky_relu, padding=valid) + "
      "conv(32, 5, leaky_relu, padding=valid, strides=2) + conv(64, 5, leaky_relu, padding=valid) + "
      "conv(64, 5, leaky_relu, padding=valid, strides=2) + conv(128, 7, leaky_relu, padding=valid) + flatten() + "
      "variational(10, covariance=full) + dense(8192, relu) + reshape(128, 8, 8) + "
      "conv_transpose(128, 7, leaky_relu, padding=valid, use_bias=FALSE) + "
      "conv_transpose(64, 5, leaky_relu, padding=valid, strides=2, use_bias=FALSE) + "
      "conv_transpose(64, 5, leaky_relu, padding=valid, use_bias=FALSE) + "
      "conv_transpose(32, 5, leaky_relu, padding=valid, strides=2, use_bias=FALSE) + "
      "conv_transpose(32, 5, leaky_relu, padding=valid, use_bias=FALSE) + "
      "conv_transpose(3, 4, sigmoid, padding=valid, use_bias=FALSE)'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Total params: 2394337"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("variational_1 (Variational) <- encoding       (None, 10)          532545"), std::string::npos)
      << r.out;
}

TEST(Cli, ImageMisfitsGiveOneLineAndStatusTwo) {
  const auto idx = write_idx(10);
  const std::string vae = temp_path("misfit.hgm");
  ASSERT_EQ(hourglass_cli("train " + idx.images +
                          " --network 'input() + variational(2) + output(sigmoid)' --loss bce "
                          "--epochs 1 --seed 1 --quiet -o " +
                          vae)
                .status,
            0);
  const std::string truncated = temp_path("truncated-idx3-ubyte");
  std::ofstream(truncated, std::ios::binary) << slurp(idx.images).substr(0, 100);
  const std::string plain = trained_model();
  const struct {
    std::string arguments, message;
  } cases[] = {
      {"train " + idx.images + " --network 'input() + conv(4, 3, relu, max_pooling=2) + conv(1, 3)' -o " +
           temp_path("x.hgm"),
       "gives shape 1x3x3 but the data has shape 1x6x6"},
      {"train " + kIris + " --label Species --network 'input() + conv(4, 3) + output()' -o " + temp_path("x.hgm"),
       "conv(4, 3, linear) at position 1 receives shape 4"},
      {"train " + idx.images +
           " --network 'input() + conv(2, 3, padding=valid, max_pooling=8) + flatten() + dense(2) + "
           "output()' -o " +
           temp_path("x.hgm"),
       "which would shrink it below 1"},
      {"generate " + plain, "not variational"},
      {"generate " + vae + " --dimensions 1,3", "latent unit 3 is outside 1..2"},
      {"encode " + vae + " " + kIris + " --label Species",
       "trained on samples of shape 1x6x6 but the data has samples of shape 4"},
      {"encode " + vae + " " + truncated, "truncated"},
      {"encode " + plain + " " + kIris + " --label Species --sample", "needs a variational model"},
      {"train " + kIris + " --label Species --network 2 --beta 2 -o " + temp_path("x.hgm"),
       "--beta applies to the variational"},
  };
  for (const auto& c : cases) {
    const Result r = hourglass_cli(c.arguments);
    EXPECT_EQ(r.status, 2) << c.arguments << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.arguments << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.arguments << ": " << r.err;
  }
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

TEST(Cli, HistoryIsKeptInTheModelAndWrittenWhileTraining) {
  const std::string model = temp_path("history.hgm"), csv = temp_path("history.csv");
  Result r = hourglass_cli("train " + kIris +
                           " --label Species --network 2 --validation-split 0.2 --epochs 40 "
                           "--early-stopping 2 --min-delta 1e9 --seed 1 --history-csv " +
                           csv + " -o " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Stopped: early stopping: val_loss did not improve for 2 epochs"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(csv).substr(0, slurp(csv).find('\n')), "epoch,loss,val_loss,seconds");
  EXPECT_EQ(read_data(csv).rows(), 3);
  r = hourglass_cli("history " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Epoch 1/3 - ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("Stopped: early stopping"), std::string::npos) << r.out;
  r = hourglass_cli("history " + model + " --csv");
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "epoch,loss,val_loss,seconds");
}

TEST(Cli, CtrlCSavesTheModelSoFarAndExitsWith130) {
  const std::string model = temp_path("interrupted.hgm"), err = temp_path("interrupted.err");
  // The signal comes once the first epoch is in the history CSV: the run is training.
  const int status = status_after_event("train " + kIris +
                                            " --label Species --network 2 --epochs 1000000 --batch-size 1 --quiet "
                                            "--history-csv " +
                                            temp_path("interrupted.csv") + " -o " + model,
                                        temp_path("interrupted.csv"), "kill -INT $pid", err);
  EXPECT_EQ(status, 130) << slurp(err);
  EXPECT_NE(slurp(temp_path("interrupted.err")).find("interrupted by SIGINT: saved the model"), std::string::npos);
  const Model saved = Model::load(model);
  EXPECT_GE(saved.history().epochs.size(), 1u);
  EXPECT_EQ(saved.history().stop_reason.rfind("interrupted during epoch", 0), 0u);
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

TEST(Cli, ARunKilledAndResumedFromItsCheckpointEqualsAnUninterruptedOne) {
  const std::string flags =
      " --label Species --network '6,2:tanh' --optimizer adam --batch-size 1 --epochs 300 "
      "--seed 5 --threads 1 --quiet ";
  const std::string checkpoint = temp_path("killed.ckpt"), resumed = temp_path("resumed.hgm"),
                    whole = temp_path("whole.hgm");
  // SIGKILL once the first checkpoint is on disk: no handler runs; only the atomically
  // written checkpoints survive.
  status_after_event("train " + kIris + flags + "--checkpoint " + checkpoint + " -o " + temp_path("never.hgm"),
                     checkpoint, "kill -KILL $pid", temp_path("killed.err"));
  const auto done = Model::load(checkpoint).history().epochs.size();
  EXPECT_GE(done, 1u);
  Result r = hourglass_cli("train " + kIris + flags + "--resume " + checkpoint + " -o " + resumed);
  ASSERT_EQ(r.status, 0) << r.err;
  r = hourglass_cli("train " + kIris + flags + "-o " + whole);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(hourglass_cli("encode " + resumed + " " + kIris + " --label Species").out,
            hourglass_cli("encode " + whole + " " + kIris + " --label Species").out)
      << "killed after " << done << " epochs";
  EXPECT_EQ(Model::load(resumed).history().epochs.size(), 300u);
}

TEST(Cli, Bf16TrainingOnAMemoryMappedNpy) {
  const auto values = hourglass::testing::low_rank_data(400, 6, 2);
  const std::string npy = temp_path("rows.npy");
  {
    const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (400, 6), }";
    std::string dict = header + std::string(63 - (10 + header.size()) % 64, ' ') + "\n";
    std::ofstream out(npy, std::ios::binary);
    out << std::string("\x93NUMPY\x01\x00", 8) << static_cast<char>(dict.size()) << '\0' << dict;
    out.write(static_cast<const char*>(values.data_ptr()), static_cast<std::streamsize>(values.nbytes()));
  }
  const std::string model = temp_path("bf16.hgm");
  const Result r = hourglass_cli("train " + npy +
                                 " --memory-map --precision bf16 --network 2 --scale zscore "
                                 "--optimizer adam --epochs 40 --seed 1 --output " +
                                 model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Epoch 40/40"), std::string::npos) << r.err;
  const double mse = Model::load(model).evaluate(values).at("mse");
  EXPECT_LT(mse, 0.05 * values.var().item<double>()) << r.err;
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

TEST(Cli, TrainFromContinuesAModelAndTheHistoryCsvKeepsEveryEpoch) {
  const std::string first = temp_path("first.hgm"), more = temp_path("more.hgm"), csv = temp_path("more.csv");
  Result r = hourglass_cli("train " + kIris +
                           " --label Species --network 2 --scale zscore --optimizer adam --epochs 3 --seed 1 "
                           "--quiet --history-csv " +
                           csv + " -o " + first);
  ASSERT_EQ(r.status, 0) << r.err;
  r = hourglass_cli("train " + kIris + " --label Species --from " + first + " --epochs 2 --history-csv " + csv +
                    " -o " + more);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Continuing after epoch 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Epoch 5/5"), std::string::npos) << r.err;
  const Model model = Model::load(more);
  ASSERT_EQ(model.history().epochs.size(), 5u);
  EXPECT_EQ(model.history().epochs.back().epoch, 5);
  EXPECT_EQ(model.scaler().kind(), "zscore");
  EXPECT_EQ(read_data(csv).rows(), 5);  // the epochs of the first run too
  // What --from takes from the model cannot be given again, and the data must fit it.
  r = hourglass_cli("train " + kIris + " --label Species --from " + first + " --network 3 -o " + more);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("excludes"), std::string::npos) << r.err;
  r = hourglass_cli("train " + kIris + " --label Species --from " + first + " --type sparse -o " + more);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--from takes the variants from the model"), std::string::npos) << r.err;
  const std::string narrow = write_text("narrow.csv", "a,b\n1,2\n3,4\n5,6\n");
  r = hourglass_cli("train " + narrow + " --from " + first + " -o " + more);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("trained on samples of shape 4 but this data has samples of shape 2"), std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Cli, ReduceLrOnPlateauLogsTheRate) {
  const std::string model = temp_path("plateau.hgm");
  Result r = hourglass_cli("train " + kIris +
                           " --label Species --network 2 --optimizer sgd --lr 0.001 --epochs 4 --seed 1 --quiet "
                           "--validation-split 0.2 --reduce-lr-on-plateau 1:0.5 --min-delta 0 -o " +
                           model);
  EXPECT_EQ(r.status, 2);  // --min-delta belongs to --early-stopping
  r = hourglass_cli("train " + kIris +
                    " --label Species --network 2 --optimizer sgd --lr 0.001 --epochs 3 --seed 1 --quiet "
                    "--reduce-lr-on-plateau 0:0.5 -o " +
                    model);
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<double> rates;
  const Model trained = Model::load(model);  // a named model: the history must outlive the loop
  for (const auto& epoch : trained.history().epochs) rates.push_back(epoch.value("lr"));
  // Patience 0: every epoch after the first that does not improve halves it; the loss falls here.
  EXPECT_EQ(rates.front(), 0.001);
  for (const char* bad : {"x", "2:", "2:1.5", "-1"}) {
    r = hourglass_cli("train " + kIris + " --label Species --network 2 --reduce-lr-on-plateau " + bad + " -o " + model);
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << bad << ": " << r.err;
  }
}

TEST(Cli, LayersListsEveryKindFromItsDefinition) {
  Result r = hourglass_cli("layers");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const LayerKind* kind : layer_kinds())
    EXPECT_NE(r.out.find(kind->name() + "("), std::string::npos) << kind->name();
  r = hourglass_cli("layers conv");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("use_bias: TRUE or FALSE (default TRUE)"), std::string::npos) << r.out;
  r = hourglass_cli("layers convolution");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown layer 'convolution' (valid: input, dense"), std::string::npos) << r.err;
}

TEST(Cli, ExportWritesOnnxFilesThatOnnxRuntimeRunsAsTheModel) {
  const std::string model_path = trained_model();
  const Model model = Model::load(model_path);
  const auto iris = testing::iris().features;
  const std::string encoder = temp_path("encoder.onnx"), scorer = temp_path("scorer.onnx");
  Result r = hourglass_cli("export " + model_path + " --part encoder -o " + encoder);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "Wrote the encoder of " + model_path + " to " + encoder + "\n");
  auto outputs = testing::run_in_onnx_runtime(encoder, {{"data", iris}});
  ASSERT_TRUE(outputs.count("code"));
  EXPECT_LE((outputs.at("code") - model.encode(iris)).abs().max().item<double>(), 1e-5);

  // The scorer: the mse of each row on the z-scored data, and rows above 0.5 flagged.
  r = hourglass_cli("export " + model_path +
                    " --part scorer --threshold 0.5 --columns "
                    "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width -o " +
                    scorer);
  ASSERT_EQ(r.status, 0) << r.err;
  outputs = testing::run_in_onnx_runtime(scorer, {{"data", iris}});
  ASSERT_TRUE(outputs.count("score") && outputs.count("outlier"));
  const auto scaled = model.scaler().transform(iris);
  const auto expected = (model.scaler().transform(model.reconstruct(iris)) - scaled).square().mean(1);
  EXPECT_LE((outputs.at("score") - expected).abs().max().item<double>(), 1e-5);
  EXPECT_TRUE(outputs.at("outlier").equal((expected > 0.5).to(torch::kLong)));
  const auto metadata = testing::check_with_python_onnx(scorer);
  EXPECT_NE(metadata.find("hourglass.columns=Sepal.Length,Sepal.Width,Petal.Length,Petal.Width"), std::string::npos)
      << metadata;
  EXPECT_NE(metadata.find("hourglass.threshold=0.5"), std::string::npos) << metadata;

  // Nonsense is one line and status 2, and leaves no file behind.
  const std::string refused = temp_path("refused.onnx");
  for (const std::string bad : {"--part generator", "--part decoder --threshold 1", "--columns a,b"}) {
    r = hourglass_cli("export " + model_path + " " + bad + " -o " + refused);
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << bad << ": " << r.err;
    EXPECT_FALSE(exists(refused)) << bad;
  }
  EXPECT_NE(hourglass_cli("export " + model_path + " --part generator -o " + refused)
                .err.find("unknown ONNX part 'generator' (valid: encoder, decoder, autoencoder, scorer)"),
            std::string::npos);
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

// A number option given a word names the word, not the range up to DBL_MAX (issue 29).
TEST(Cli, APositiveNumberOptionGivenAWordSaysWhatItExpected) {
  const std::vector<std::vector<std::string>> cases = {{"--threads", "many", "pca", kIris},
                                                       {"--threads", "0", "pca", kIris},
                                                       {"score", "m.hgm", kIris, "--window", "1e999"}};
  for (const auto& args : cases) {
    const Result r = hourglass_in_process(args);
    EXPECT_EQ(r.status, 2) << args[1];
    EXPECT_NE(r.err.find("expected a number above 0, got '" + args[args[0] == "score" ? 4 : 1] + "'"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("17976931348623157"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

// Arguments a newcomer gets wrong (issue 29): the data where the model goes is named as
// data, and --png on a model of table rows is refused by every command that has it.
TEST(Cli, SwappedArgumentsAndPicturesOfTablesAreRefusedWithWhatToDo) {
  const std::string model = temp_path("rows.hgm");
  ASSERT_EQ(hourglass_in_process({"train", kIris, "--label", "Species", "--network", "2", "--epochs", "1", "-q",
                                  "--no-baseline", "-o", model})
                .status,
            0);
  Result r = hourglass_in_process({"encode", kIris, model});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("it starts with text, as a CSV or other data file does; commands take the model first"),
            std::string::npos)
      << r.err;
  const std::vector<std::vector<std::string>> commands = {
      {"reconstruct", model, kIris, "--label", "Species", "--png", temp_path("rows.png")},
      {"decode", model, write_text("codes.csv", "a,b\n1,2\n"), "--png", temp_path("rows.png")}};
  for (const auto& args : commands) {
    const std::string& command = args[0];
    r = hourglass_in_process(args);
    EXPECT_EQ(r.status, 2) << command;
    EXPECT_NE(r.err.find(command + " --png draws images, but the model was trained on rows of 4 values"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(exists(temp_path("rows.png")));
  }
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

// A model trained with --label remembers the column (issue 29: the README's `score
// iris.hgm data/iris.csv` and `decode iris.hgm codes.csv` failed as written): the same
// file reads without --label, and encode's output decodes with its label passed through.
TEST(Cli, AModelRemembersItsLabelColumn) {
  const std::string model = temp_path("labelled.hgm"), codes = temp_path("codes.csv");
  ASSERT_EQ(hourglass_in_process({"train", kIris, "--label", "Species", "--network", "2", "--epochs", "2", "-q",
                                  "--no-baseline", "--seed", "1", "-o", model})
                .status,
            0);
  EXPECT_EQ(Model::load(model).label_name(), "Species");
  const Result with = hourglass_in_process({"score", model, kIris, "--label", "Species"});
  const Result without = hourglass_in_process({"score", model, kIris});
  ASSERT_EQ(without.status, 0) << without.err;
  EXPECT_EQ(without.out, with.out);
  ASSERT_EQ(hourglass_in_process({"encode", model, kIris, "-o", codes}).status, 0);
  const Result decoded = hourglass_in_process({"decode", model, codes});
  ASSERT_EQ(decoded.status, 0) << decoded.err;
  EXPECT_EQ(decoded.out.substr(0, decoded.out.find('\n')), "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width,Species");
  // A model trained without a label, given a table with an extra column: the message
  // names the column and the flag.
  const std::string plain = temp_path("plain.hgm");
  const std::string numbers = write_text("numbers.csv", "a,b\n1,2\n3,4\n5,7\n");
  ASSERT_EQ(hourglass_in_process({"train", numbers, "--network", "1", "--epochs", "1", "-q", "-o", plain}).status, 0);
  const Result extra = hourglass_in_process({"score", plain, write_text("extra.csv", "a,b,kind\n1,2,x\n3,4,y\n")});
  EXPECT_EQ(extra.status, 2);
  EXPECT_NE(extra.err.find("column 'kind' is not one of the model's (a, b); keep a label column out with --label kind"),
            std::string::npos)
      << extra.err;
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

// Each command's help lists the options it has, not the others' (issue 29): --window for
// the commands that cut a series, --unseen-levels for those that read a table for a model.
TEST(Cli, EachCommandsHelpListsOnlyItsOwnOptions) {
  const auto help = [](const std::string& command) { return hourglass_in_process({command, "--help"}).out; };
  for (const std::string command : {"decode", "pca", "noise"}) {
    EXPECT_EQ(help(command).find("--window"), std::string::npos) << command;
    EXPECT_EQ(help(command).find("--unseen-levels"), std::string::npos) << command;
  }
  for (const std::string command : {"train", "autoencode"}) {
    EXPECT_NE(help(command).find("--window"), std::string::npos) << command;
    EXPECT_EQ(help(command).find("--unseen-levels"), std::string::npos) << command;
  }
  EXPECT_EQ(help("impute").find("--window"), std::string::npos);
  for (const std::string command : {"score", "encode", "reconstruct", "evaluate", "threshold"}) {
    EXPECT_NE(help(command).find("--window"), std::string::npos) << command;
    EXPECT_NE(help(command).find("--unseen-levels"), std::string::npos) << command;
  }
  EXPECT_NE(help("threshold").find("fpr:F"), std::string::npos);
  EXPECT_NE(help("train").find("--encoding"), std::string::npos);
}

}  // namespace
}  // namespace hourglass
