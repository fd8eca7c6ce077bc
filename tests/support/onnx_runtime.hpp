// ONNX files run by real ONNX tools: ONNX Runtime (onnxruntime-node, through
// tools/onnx/run_onnx.js) and ONNX's Python checker (python3-onnx).
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/fixtures.hpp"

namespace hourglass::testing {

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Runs a shell command; its exit status, and what it printed on stdout and stderr.
struct CommandResult {
  int status;
  std::string output;
};
inline CommandResult run_command(const std::string& command) {
  const std::string log = temp_path("command.log");
  const int raw = std::system((command + " > " + log + " 2>&1").c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_all(log)};
}

/// The outputs ONNX Runtime computes for `inputs` (name -> rows x columns float32), by
/// output name: float32 or int64 tensors. Fails the test with the runtime's message
/// when it cannot run the file.
inline std::map<std::string, torch::Tensor> run_in_onnx_runtime(const std::string& model,
                                                                const std::map<std::string, torch::Tensor>& inputs) {
  const std::string folder = temp_path("ort");
  std::string command = "node " + std::string(HOURGLASS_SOURCE_DIR) + "/tools/onnx/run_onnx.js " + model + " " + folder;
  for (const auto& [name, tensor] : inputs) {
    const auto values = tensor.to(torch::kFloat).contiguous().reshape({tensor.size(0), -1});
    const std::string file = temp_path("input-" + name + ".f32");
    std::ofstream(file, std::ios::binary)
        .write(static_cast<const char*>(values.data_ptr()), static_cast<std::streamsize>(values.numel() * 4));
    command += " " + name + "=" + file + ":" + std::to_string(values.size(0)) + "x" + std::to_string(values.size(1));
  }
  const auto result = run_command(command);
  std::map<std::string, torch::Tensor> outputs;
  if (result.status != 0) {
    ADD_FAILURE() << "ONNX Runtime could not run " << model << ": " << result.output;
    return outputs;
  }
  const auto described = nlohmann::json::parse(read_all(folder + "/outputs.json"));
  for (const auto& [name, info] : described["outputs"].items()) {
    std::vector<int64_t> dims = info["dims"].get<std::vector<int64_t>>();
    const std::string bytes = read_all(folder + "/" + name + ".bin");
    const auto type = info["type"] == "int64" ? torch::kLong : torch::kFloat;
    auto tensor = torch::empty(dims, type);
    EXPECT_EQ(static_cast<size_t>(tensor.numel() * tensor.element_size()), bytes.size()) << name;
    std::memcpy(tensor.data_ptr(), bytes.data(),
                std::min<size_t>(bytes.size(), tensor.numel() * tensor.element_size()));
    outputs[name] = tensor;
  }
  return outputs;
}

/// ONNX's Python checker (full check, with shape inference) on the file; returns its
/// metadata_props as "key=value" lines, or the checker's message after "FAILED: ".
inline std::string check_with_python_onnx(const std::string& model) {
  const auto result = run_command(
      "/usr/bin/python3 -c \"import onnx, sys\n"
      "m = onnx.load(sys.argv[1])\n"
      "onnx.checker.check_model(m, full_check=True)\n"
      "assert m.opset_import[0].version == 17\n"
      "print('\\n'.join(p.key + '=' + p.value for p in m.metadata_props))\" " +
      model);
  return result.status == 0 ? result.output : "FAILED: " + result.output;
}

}  // namespace hourglass::testing
