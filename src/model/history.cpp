#include "hourglass/model/history.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "hourglass/error.hpp"

namespace hourglass {

bool EpochRecord::has(const std::string& name) const {
  for (const auto& [key, v] : values) {
    if (key == name) return true;
  }
  return false;
}

double EpochRecord::value(const std::string& name) const {
  for (const auto& [key, v] : values) {
    if (key == name) return v;
  }
  std::vector<std::string> names;
  for (const auto& entry : values) names.push_back(entry.first);
  throw unknown_name("history column", name, names);
}

std::vector<std::string> History::columns() const {
  std::vector<std::string> names;
  for (const auto& e : epochs) {
    for (const auto& entry : e.values) {
      if (std::find(names.begin(), names.end(), entry.first) == names.end()) names.push_back(entry.first);
    }
  }
  return names;
}

std::string History::to_csv() const {
  std::ostringstream out;
  out.precision(9);
  out << "epoch";
  const auto names = columns();
  for (const auto& name : names) out << ',' << name;
  out << ",seconds\n";
  for (const auto& e : epochs) {
    out << e.epoch;
    // A column an epoch lacks (the learning rate before a scheduler was added) stays empty.
    for (const auto& name : names) {
      out << ',';
      if (e.has(name)) out << e.value(name);
    }
    out << ',' << e.seconds << '\n';
  }
  return out.str();
}

std::string format_progress(const EpochRecord& record, int64_t total_epochs) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "Epoch %lld/%lld - %.2fs", static_cast<long long>(record.epoch),
                static_cast<long long>(total_epochs), record.seconds);
  std::string line = buffer;
  for (const auto& [name, v] : record.values) {
    std::snprintf(buffer, sizeof buffer, " - %s: %.6g", name.c_str(), v);
    line += buffer;
  }
  return line;
}

}  // namespace hourglass
