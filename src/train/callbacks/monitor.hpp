// The logged value EarlyStopping, ModelCheckpoint and ReduceLROnPlateau watch, and what
// counts as an improvement of it.
#pragma once

#include <string>

#include "hourglass/model/history.hpp"

namespace hourglass {

class Monitor {
 public:
  /// `name` empty: val_loss when the logs have it, else loss. `mode`: min, max or auto
  /// (max for names with "acc" or "auc"). Throws InvalidArgument naming `owner` for an
  /// unknown mode.
  Monitor(std::string name, const std::string& mode, std::string owner);
  /// The value in the epoch's logs; throws InvalidArgument listing the logged names when
  /// it is missing.
  double value(const EpochRecord& logs);
  /// The name watched (known after the first value()).
  const std::string& name() const { return name_.empty() ? requested_ : name_; }
  /// True when `current` beats `reference` by more than `min_delta` (NaN never does).
  bool improves(double current, double reference, double min_delta = 0.0) const;

 private:
  std::string requested_, mode_, owner_, name_;
  bool maximize_ = false;
};

}  // namespace hourglass
