#include "train/checkpoint.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <sstream>

#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "model/serialization.hpp"

namespace hourglass {
namespace {

const std::string kOptimizer = std::string(kCheckpointPrefix) + "optimizer";
const std::string kGenerator = std::string(kCheckpointPrefix) + "generator";

at::Tensor bytes_tensor(const std::string& bytes) {
  auto tensor = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kByte);
  std::memcpy(tensor.data_ptr(), bytes.data(), bytes.size());
  return tensor;
}

}  // namespace

void write_checkpoint(const std::string& path, const Model::Impl& model, const torch::optim::Optimizer& optimizer,
                      int64_t epoch) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ostringstream optimizer_bytes;
  archive.save_to(optimizer_bytes);
  auto generator = at::detail::getDefaultCPUGenerator();
  at::Tensor generator_state;
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator_state = generator.get_state();
  }
  write_file_atomically(
      path, serialize_model(model, {{kOptimizer, bytes_tensor(optimizer_bytes.str())}, {kGenerator, generator_state}},
                            {{"checkpoint_epoch", std::to_string(epoch)}}));
}

Checkpoint read_checkpoint(const std::string& path) {
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const DataError& e) {
    throw ModelFileError(e.what());
  }
  safetensors::Contents contents;
  Checkpoint checkpoint;
  checkpoint.model = deserialize_model(bytes, path, &contents);
  auto fail = [&](const std::string& what) {
    return ModelFileError("'" + path + "' is not a checkpoint to resume from: " + what +
                          "; write one with --checkpoint FILE (TrainOptions::checkpoint)");
  };
  const auto epoch = contents.metadata.find("checkpoint_epoch");
  if (epoch == contents.metadata.end()) throw fail("it is a model file without training state");
  try {
    checkpoint.epoch = std::stoll(epoch->second);
  } catch (const std::exception&) {
    throw fail("its epoch '" + epoch->second + "' is not a number");
  }
  if (checkpoint.epoch < 1 || checkpoint.epoch != static_cast<int64_t>(checkpoint.model->history.epochs.size())) {
    throw fail("its epoch does not match its history");
  }
  for (const auto& [name, tensor] : contents.tensors) {
    if (name == kOptimizer && tensor.scalar_type() == torch::kByte) {
      checkpoint.optimizer_state.assign(static_cast<const char*>(tensor.data_ptr()), tensor.numel());
    }
    if (name == kGenerator && tensor.scalar_type() == torch::kByte) checkpoint.generator_state = tensor;
  }
  if (checkpoint.optimizer_state.empty() || !checkpoint.generator_state.defined()) {
    throw fail("the optimizer or random generator state is missing");
  }
  return checkpoint;
}

void restore_training_state(const Checkpoint& checkpoint, torch::optim::Optimizer& optimizer) {
  try {
    torch::serialize::InputArchive archive;
    std::istringstream stream(checkpoint.optimizer_state);
    archive.load_from(stream);
    optimizer.load(archive);
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(checkpoint.generator_state);
  } catch (const c10::Error& e) {
    throw ModelFileError(std::string("the checkpoint's training state cannot be restored (") +
                         e.what_without_backtrace() + "); it was written for another optimizer or is damaged");
  }
}

}  // namespace hourglass
