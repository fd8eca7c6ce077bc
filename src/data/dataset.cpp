#include "hourglass/data/dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>

#include "data/mapped_file.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"

namespace hourglass {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void write_field(std::ostream& out, const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) {
    out << field;
    return;
  }
  out << '"';
  for (char c : field) out << (c == '"' ? "\"\"" : std::string(1, c));
  out << '"';
}

bool is_idx_name(std::string path) {
  if (ends_with(path, ".gz")) path.resize(path.size() - 3);
  return ends_with(path, "ubyte") || ends_with(path, ".idx");
}

// The whole file, by its extension.
Dataset read_whole(const std::string& path, const ReadOptions& options) {
  const bool npy = ends_with(path, ".npy");
  if (options.memory_map() && (!npy || options.channels_last())) {
    throw DataError("'" + path +
                    "': memory mapping reads .npy files in channels-first order only; drop "
                    "--memory-map, or convert the data with np.save");
  }
  if (is_idx_name(path)) return read_idx(path, options.label());
  if (npy && !options.label().empty()) {
    throw DataError("'" + path + "': --label applies to CSV/TSV files; a .npy file holds numbers only");
  }
  if (npy && options.memory_map()) return map_npy(path);
  const std::string bytes = read_file(path);
  if (npy) return parse_npy(bytes, path, options.channels_last());
  ReadOptions chosen = options;
  if (chosen.delimiter() == 0 && (ends_with(path, ".tsv") || ends_with(path, ".tab"))) {
    chosen.delimiter('\t');
  }
  return parse_delimited(bytes, path, chosen);
}

}  // namespace

at::Tensor as_samples(const at::Tensor& rows, const std::vector<int64_t>& sample_shape) {
  std::vector<int64_t> sizes{rows.size(0)};
  sizes.insert(sizes.end(), sample_shape.begin(), sample_shape.end());
  return rows.view(sizes);
}

bool Dataset::has_categories() const {
  return std::any_of(levels.begin(), levels.end(), [](const auto& l) { return !l.empty(); });
}

at::Tensor Dataset::samples() const {
  if (sample_shape.empty() || !features.defined()) return features;
  return as_samples(features, sample_shape);
}

Dataset Dataset::take_rows(int64_t first, int64_t count, const std::string& source) const {
  if (first < 0 || count < 1 || first >= rows()) {
    throw DataError("'" + source + "' has " + std::to_string(rows()) + " rows; rows " + std::to_string(first + 1) +
                    " to " + std::to_string(first + count) + " are not there");
  }
  Dataset subset = *this;
  const int64_t taken = std::min(count, rows() - first);
  subset.features = features.narrow(0, first, taken);
  if (!labels.empty()) subset.labels.assign(labels.begin() + first, labels.begin() + first + taken);
  return subset;
}

Dataset read_data(const std::string& path, const ReadOptions& options) {
  Dataset data = read_whole(path, options);
  if (options.first_row() == 0 && options.row_count() < 0) return data;
  return data.take_rows(options.first_row(), options.row_count() < 0 ? data.rows() : options.row_count(), path);
}

void check_numeric(const Dataset& data, const std::string& what) {
  for (size_t c = 0; c < data.levels.size(); ++c) {
    if (!data.levels[c].empty()) {
      throw DataError(what + " reads numbers only, but column '" + abbreviate(data.columns[c]) + "' holds text (" +
                      std::to_string(data.levels[c].size()) +
                      (data.levels[c].size() == 1 ? " category" : " categories") +
                      "); name it as the label (--label) or train a model, which takes categories");
    }
  }
}

namespace {

// Throws DataError at the first Inf (and, unless `nan_allowed`, NaN) of `values`.
void check_values(const at::Tensor& values, const std::string& source, bool nan_allowed) {
  // In chunks of rows: no mask as large as the data, and a memory-mapped file's pages
  // are given back as the check goes.
  const int64_t rows = values.dim() > 0 ? values.size(0) : 1;
  const int64_t row_values = rows > 0 ? std::max<int64_t>(1, values.numel() / rows) : 1;
  const int64_t chunk = std::max<int64_t>(1, (int64_t{1} << 20) / row_values);
  for (int64_t first = 0; first < rows; first += chunk) {
    check_mapped_file(values);
    const auto part = values.dim() > 0 ? values.narrow(0, first, std::min(chunk, rows - first)) : values;
    const auto bad = nan_allowed ? part.isinf() : part.isfinite().logical_not();
    release_mapped_pages(values);
    if (!bad.any().item<bool>()) continue;
    const auto where = bad.nonzero()[0];
    std::string position = "row " + std::to_string(first + where[0].item<int64_t>() + 1);
    if (where.numel() > 1) position += ", column " + std::to_string(where[1].item<int64_t>() + 1);
    throw DataError("'" + source + "': " + position +
                    (nan_allowed ? " holds Inf; replace it, or mark the cell missing (NaN)"
                                 : " holds NaN or Inf; remove or impute missing values first"));
  }
}

}  // namespace

void check_no_infinity(const at::Tensor& values, const std::string& source) { check_values(values, source, true); }

void check_finite(const at::Tensor& values, const std::string& source) { check_values(values, source, false); }

std::vector<std::string> numbered_columns(const std::string& prefix, int64_t n) {
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(n));
  for (int64_t i = 1; i <= n; ++i) names.push_back(prefix + "_" + std::to_string(i));
  return names;
}

namespace {

// Numbers with enough digits to read back the same float; NaN (a missing cell) as NA and,
// with `levels`, a categorical cell as its level's name.
void write_table(std::ostream& out, const at::Tensor& values, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& levels, const std::string& label_name,
                 const std::vector<std::string>& labels) {
  const auto table = values.to(at::kFloat).contiguous().view({values.size(0), -1});
  const int64_t rows = table.size(0), cols = table.size(1);
  if (static_cast<int64_t>(header.size()) != cols) {
    throw InvalidArgument("write_csv: " + std::to_string(header.size()) + " column names for " + std::to_string(cols) +
                          " columns");
  }
  const bool with_labels = !label_name.empty();
  if (with_labels && static_cast<int64_t>(labels.size()) != rows) {
    throw InvalidArgument("write_csv: " + std::to_string(labels.size()) + " labels for " + std::to_string(rows) +
                          " rows");
  }
  for (int64_t c = 0; c < cols; ++c) {
    if (c > 0) out << ',';
    write_field(out, header[c]);
  }
  if (with_labels) write_field(out << (cols > 0 ? "," : ""), label_name);
  out << '\n';
  const float* data = table.data_ptr<float>();
  char buffer[32];
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      if (c > 0) out << ',';
      const float value = data[r * cols + c];
      const auto* names = static_cast<size_t>(c) < levels.size() && !levels[c].empty() ? &levels[c] : nullptr;
      if (std::isnan(value)) {
        out << "NA";
      } else if (names && value >= 0 && static_cast<size_t>(value) < names->size()) {
        write_field(out, (*names)[static_cast<size_t>(value)]);
      } else {
        auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.write(buffer, result.ptr - buffer);
      }
    }
    if (with_labels) write_field(out << (cols > 0 ? "," : ""), labels[r]);
    out << '\n';
  }
}

}  // namespace

void write_csv(std::ostream& out, const at::Tensor& values, const std::vector<std::string>& header,
               const std::string& label_name, const std::vector<std::string>& labels) {
  write_table(out, values, header, {}, label_name, labels);
}

void write_csv(const std::string& path, const at::Tensor& values, const std::vector<std::string>& header,
               const std::string& label_name, const std::vector<std::string>& labels) {
  AtomicFile file(path);
  write_csv(file.stream(), values, header, label_name, labels);
  file.commit();
}

void write_csv(std::ostream& out, const Dataset& data) {
  write_table(out, data.features, data.columns, data.levels, data.label_name, data.labels);
}

void write_csv(const std::string& path, const Dataset& data) {
  AtomicFile file(path);
  write_table(file.stream(), data.features, data.columns, data.levels, data.label_name, data.labels);
  file.commit();
}

}  // namespace hourglass
