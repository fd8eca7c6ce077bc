// The folder the web interface works in, and the only one it reads or writes: uploaded
// data sets in DIR/data, trained models in DIR/models. Every file is named by the
// server's rules (letters, digits, '.', '_' and '-'), so that no name from a request
// can reach outside the folder; files are written atomically.
//
//   Workspace workspace("runs");
//   DatasetInfo info = workspace.add_dataset("iris.csv", bytes);   // checked, then stored
//   Upload upload = workspace.receive("big.csv");                  // or in pieces, to disk
//   upload.append(piece.data(), piece.size());
//   info = workspace.add_dataset(std::move(upload));
//   Dataset iris = workspace.read_dataset(info.name);
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hourglass/data/dataset.hpp"

namespace hourglass::serve {

/// What the interface shows of a data set.
struct DatasetInfo {
  std::string name;
  int64_t rows = 0;
  std::vector<int64_t> shape;        ///< one sample's shape
  std::vector<std::string> columns;  ///< feature names (tables)
  std::string label;                 ///< the non-numeric column kept as labels, if any
};

/// {name, rows, shape, columns, label}: what the interface lists, and what the workspace
/// keeps beside each data set (a hidden ".info-NAME.json") so that listing them after a
/// restart reads a few bytes per data set rather than parsing each file again.
nlohmann::json dataset_json(const DatasetInfo& info);
/// The same back; throws DataError when `value` is not such an object.
DatasetInfo dataset_info_from_json(const nlohmann::json& value);

/// A name made safe: the part after the last '/' or '\', with every character other than
/// letters, digits, '.', '_' and '-' replaced by '_', leading dots dropped, at most 100
/// characters. Throws InvalidArgument when nothing usable is left.
std::string safe_file_name(std::string_view requested);

/// True when `name` is a name the workspace could have given a file (see safe_file_name):
/// what every name in a request must be before it is looked up.
bool is_safe_file_name(std::string_view name);

/// A data set arriving in pieces (an upload), written straight to a hidden file in
/// DIR/data rather than held in memory: Workspace::add_dataset() checks and keeps it; an
/// upload dropped before that leaves nothing behind.
class Upload {
 public:
  Upload(Upload&& other) noexcept;
  Upload& operator=(Upload&&) = delete;
  ~Upload();

  /// Throws Error, naming the file, when the disk refuses the bytes.
  void append(const char* data, size_t size);
  int64_t size() const { return size_; }

 private:
  friend class Workspace;
  Upload(std::string name, std::string path);
  void close_file();

  std::string name_;  ///< the safe name asked for
  std::string path_;  ///< the hidden file; empty once kept or moved from
  int fd_ = -1;
  int64_t size_ = 0;
};

class Workspace {
 public:
  /// Creates DIR/data and DIR/models when missing; throws InvalidArgument when DIR is not
  /// a folder.
  explicit Workspace(std::string directory);

  const std::string& directory() const { return directory_; }

  /// Checks `bytes` as a data set (CSV/TSV with a header or without, or .npy; a single
  /// non-numeric column is taken as the label) and stores it under a safe, unused name
  /// derived from `requested_name`. Throws InvalidArgument for an unsupported name or
  /// DataError for content that is not a data set, and stores nothing then.
  DatasetInfo add_dataset(std::string_view requested_name, std::string_view bytes);
  /// Starts receiving a data set named `requested_name`; throws InvalidArgument for a
  /// name or an extension add_dataset() would refuse, before any byte is written.
  Upload receive(std::string_view requested_name);
  /// Checks a received data set as add_dataset(name, bytes) does and keeps it.
  DatasetInfo add_dataset(Upload upload);
  std::vector<DatasetInfo> datasets();
  /// Throws InvalidArgument for a name that is not a stored data set.
  DatasetInfo dataset_info(const std::string& name);
  Dataset read_dataset(const std::string& name);

  /// The path of the stored model `name` (a ".hgm" file in DIR/models); throws
  /// InvalidArgument when there is none.
  std::string model_path(const std::string& name) const;
  /// An unused model file name from `requested` ("iris" -> "iris.hgm", "iris-2.hgm").
  std::string new_model_name(std::string_view requested);
  /// The path a new model `name` is written to.
  std::string model_destination(const std::string& name) const;
  /// Model file names, newest first.
  std::vector<std::string> models() const;

 private:
  // A regular file (not a link) named `name` in `folder`, or nothing.
  std::optional<std::string> existing_file(const std::string& folder, const std::string& name) const;
  DatasetInfo describe(const std::string& name);
  // Remembers `info`, in memory and beside the data set (write_description).
  void keep_description(const DatasetInfo& info);
  void write_description(const DatasetInfo& info) const;
  std::optional<DatasetInfo> kept_description(const std::string& name) const;

  std::string directory_, data_dir_, models_dir_;
  std::mutex mutex_;  // guards the cache and the choice of new names
  std::map<std::string, DatasetInfo> described_;
  std::vector<std::string> reserved_models_;
};

}  // namespace hourglass::serve
