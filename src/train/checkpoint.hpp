// Checkpoints: a model file that also holds what training needs to go on exactly where
// it stopped (the optimizer's state, the random generator's state and the epoch).
// Model::load reads a checkpoint as the model it holds.
#pragma once

#include <memory>
#include <string>

#include "model/model_impl.hpp"

namespace hourglass {

/// Writes the checkpoint atomically: a crash leaves the previous one intact.
void write_checkpoint(const std::string& path, const Model::Impl& model, const torch::optim::Optimizer& optimizer,
                      int64_t epoch);

struct Checkpoint {
  std::shared_ptr<Model::Impl> model;
  int64_t epoch = 0;  ///< the last epoch it completed
  std::string optimizer_state;
  at::Tensor generator_state;
};

/// Throws ModelFileError when the file is not a checkpoint.
Checkpoint read_checkpoint(const std::string& path);

/// Puts the optimizer and the global random generator back as they were.
void restore_training_state(const Checkpoint& checkpoint, torch::optim::Optimizer& optimizer);

}  // namespace hourglass
