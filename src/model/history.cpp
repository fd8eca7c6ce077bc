#include "hourglass/model/history.hpp"

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
  if (!epochs.empty()) {
    for (const auto& entry : epochs.front().values) names.push_back(entry.first);
  }
  return names;
}

std::string History::to_csv() const {
  std::ostringstream out;
  out.precision(9);
  out << "epoch";
  for (const auto& name : columns()) out << ',' << name;
  out << ",seconds\n";
  for (const auto& e : epochs) {
    out << e.epoch;
    for (const auto& entry : e.values) out << ',' << entry.second;
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
