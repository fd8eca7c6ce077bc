// Training history: one record per epoch with the losses and the seconds it took.
//
//   for (const auto& epoch : model.history().epochs)
//     std::cout << epoch.epoch << ' ' << epoch.value("loss") << '\n';
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hourglass {

struct EpochRecord {
  int64_t epoch = 0;  ///< 1-based
  double seconds = 0;
  /// Named values in column order: "loss", then "val_loss" when there is validation data.
  std::vector<std::pair<std::string, double>> values;

  /// Throws InvalidArgument when the epoch has no value of that name.
  double value(const std::string& name) const;
  bool has(const std::string& name) const;
};

struct History {
  std::vector<EpochRecord> epochs;
  /// Why training ended before its last epoch ("early stopping: ...", "interrupted
  /// ..."); empty when it ran them all.
  std::string stop_reason;

  /// Every value name, in the order they first appear.
  std::vector<std::string> columns() const;
  /// "epoch,loss,val_loss,seconds" and one row per epoch.
  std::string to_csv() const;
};

/// One progress line as printed during training: "Epoch 3/20 - 0.01s - loss: 0.5000".
std::string format_progress(const EpochRecord& record, int64_t total_epochs);

}  // namespace hourglass
