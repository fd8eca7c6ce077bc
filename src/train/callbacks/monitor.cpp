#include "train/callbacks/monitor.hpp"

#include <algorithm>

#include "hourglass/error.hpp"
#include "hourglass/train/callbacks.hpp"

namespace hourglass {

const std::vector<std::string>& monitor_modes() {
  static const std::vector<std::string> modes = {"auto", "min", "max"};
  return modes;
}

Monitor::Monitor(std::string name, const std::string& mode, std::string owner)
    : requested_(std::move(name)), mode_(mode), owner_(std::move(owner)) {
  const auto& modes = monitor_modes();
  if (std::find(modes.begin(), modes.end(), mode) == modes.end()) {
    throw InvalidArgument(owner_ + ": unknown mode '" + mode + "' (valid: " + join(modes) + ")");
  }
}

double Monitor::value(const EpochRecord& logs) {
  if (name_.empty()) {
    name_ = !requested_.empty() ? requested_ : logs.has("val_loss") ? "val_loss" : "loss";
    const bool accuracy_like = name_.find("acc") != std::string::npos || name_.find("auc") != std::string::npos;
    maximize_ = mode_ == "max" || (mode_ == "auto" && accuracy_like);
  }
  if (!logs.has(name_)) {
    std::vector<std::string> names;
    for (const auto& entry : logs.values) names.push_back(entry.first);
    throw InvalidArgument(owner_ + " monitors '" + name_ + "' but the epoch logs " + join(names) +
                          "; monitor one of those (val_* needs validation data)");
  }
  return logs.value(name_);
}

bool Monitor::improves(double current, double reference, double min_delta) const {
  return maximize_ ? current - min_delta > reference : current + min_delta < reference;
}

}  // namespace hourglass
