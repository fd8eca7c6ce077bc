// Seed 003's dense autoencoder (784-392-10-392-784, relu, sigmoid output) exported to
// ONNX and served by ONNX Runtime: the encoder, the autoencoder and the scorer, each
// run on the test images by onnxruntime-node (tools/onnx/run_onnx.js) and compared
// with Hourglass's own outputs.
//
//   example_export_onnx [mnist folder | toy] [epochs] [rows] [folder for the files]
//
// Run it from the repository root (it calls node tools/onnx/run_onnx.js), after
// scripts/install-deps.sh has installed ONNX Runtime there.
#include <cstdlib>
#include <fstream>
#include <map>

#include "support/images.hpp"

using namespace hourglass;

namespace {

// Writes rows x values float32 for the runner, runs `model` on them and reads output
// `output` back (float32, rows x columns).
at::Tensor run_in_onnx_runtime(const std::string& model, const std::string& input, const at::Tensor& rows,
                               const std::string& output, const std::string& folder) {
  const auto values = rows.reshape({rows.size(0), -1}).to(torch::kFloat).contiguous();
  const std::string data = folder + "/" + input + ".f32";
  std::ofstream(data, std::ios::binary)
      .write(static_cast<const char*>(values.data_ptr()), static_cast<std::streamsize>(values.numel() * 4));
  const std::string out = folder + "/ort-" + output;
  const std::string command = "node tools/onnx/run_onnx.js " + model + " " + out + " " + input + "=" + data + ":" +
                              std::to_string(values.size(0)) + "x" + std::to_string(values.size(1));
  if (std::system(command.c_str()) != 0) throw std::runtime_error("ONNX Runtime failed: " + command);
  std::ifstream in(out + "/" + output + ".bin", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto result = torch::empty({static_cast<int64_t>(bytes.size() / 4)}, torch::kFloat);
  std::memcpy(result.data_ptr(), bytes.data(), bytes.size());
  return result.reshape({rows.size(0), -1});
}

double max_abs_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a.reshape({a.size(0), -1}) - b.reshape({b.size(0), -1})).abs().max().item<double>();
}

}  // namespace

int main(int argc, char** argv) try {
  const examples::Arguments args(argc, argv);
  const auto data = examples::mnist_or_toy(args.folder, args.rows);
  std::cout << "data: " << data.source << ", " << data.train.size(0) << " training rows\n";

  const Model model = train(autoencoder(Network::from_sizes({392, 10}, "relu", "sigmoid"), "bce"), data.train,
                            examples::options(args.epochs));
  std::cout << "test bce " << model.evaluate(data.test, {"bce"}).at("bce") << '\n';

  double worst = 0;
  const std::map<std::string, std::pair<std::string, at::Tensor>> parts = {
      {"encoder", {"code", model.encode(data.test)}},
      {"autoencoder", {"reconstruction", model.reconstruct(data.test)}},
      {"scorer", {"score", row_loss_function("bce")(model.reconstruct(data.test).flatten(1), data.test.flatten(1))}}};
  for (const auto& [part, expected] : parts) {
    const std::string file = args.picture("seed003-" + part + ".onnx");
    model.export_onnx(file, part);
    const auto served = run_in_onnx_runtime(file, "data", data.test, expected.first, args.pictures);
    const double difference = max_abs_difference(served, expected.second);
    worst = std::max(worst, difference);
    std::cout << part << ": " << file << ", ONNX Runtime's " << expected.first << " of " << served.size(0)
              << " test rows differs from Hourglass's by at most " << difference << '\n';
  }
  return worst <= 1e-5 ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "example_export_onnx: " << e.what() << '\n';
  return 2;
}
