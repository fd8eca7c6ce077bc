#include "serve/workspace.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "io/json_text.hpp"

namespace hourglass::serve {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxNameLength = 100;

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool ends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

bool is_npy(std::string_view name) { return ends_with(name, ".npy"); }

std::string stem(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

std::string extension(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? "" : name.substr(dot);
}

// Reads delimited text. A table whose only text column is one (iris's Species) takes it
// as the label, as users of the page expect; with more, they are all categorical features.
Dataset parse_table(std::string_view text, const std::string& source) {
  Dataset data = parse_delimited(text, source);
  const auto is_text = [](const std::vector<std::string>& levels) { return !levels.empty(); };
  if (std::count_if(data.levels.begin(), data.levels.end(), is_text) != 1) return data;
  const auto label = std::find_if(data.levels.begin(), data.levels.end(), is_text) - data.levels.begin();
  return parse_delimited(text, source, ReadOptions().label(data.columns[static_cast<size_t>(label)]));
}

Dataset parse_dataset(std::string_view bytes, const std::string& name) {
  return is_npy(name) ? parse_npy(bytes, name) : parse_table(bytes, name);
}

DatasetInfo info_of(const std::string& name, const Dataset& data) {
  DatasetInfo info;
  info.name = name;
  info.rows = data.rows();
  info.shape = data.sample_shape.empty() ? std::vector<int64_t>{data.cols()} : data.sample_shape;
  if (data.sample_shape.empty()) info.columns = data.columns;
  info.label = data.label_name;
  return info;
}

std::string info_name(const std::string& name) { return ".info-" + name + ".json"; }

}  // namespace

nlohmann::json dataset_json(const DatasetInfo& info) {
  return {{"name", info.name},
          {"rows", info.rows},
          {"shape", info.shape},
          {"columns", info.columns},
          {"label", info.label}};
}

DatasetInfo dataset_info_from_json(const nlohmann::json& value) {
  try {
    DatasetInfo info;
    info.name = value.at("name").get<std::string>();
    info.rows = value.at("rows").get<int64_t>();
    info.shape = value.at("shape").get<std::vector<int64_t>>();
    info.columns = value.at("columns").get<std::vector<std::string>>();
    info.label = value.at("label").get<std::string>();
    return info;
  } catch (const nlohmann::json::exception& e) {
    throw DataError(std::string("not a data set's description: ") + e.what());
  }
}

std::string safe_file_name(std::string_view requested) {
  const auto slash = requested.find_last_of("/\\");
  if (slash != std::string_view::npos) requested.remove_prefix(slash + 1);
  std::string name;
  for (char c : requested) name += is_name_character(c) ? c : '_';
  name.erase(0, name.find_first_not_of('.'));
  if (name.size() > kMaxNameLength) name = name.substr(name.size() - kMaxNameLength);  // keep the extension
  if (name.empty() || name.find_first_not_of("._-") == std::string::npos) {
    throw InvalidArgument("the file name '" + std::string(requested) +
                          "' has no letters or digits; name it like data.csv");
  }
  return name;
}

bool is_safe_file_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameLength && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), is_name_character);
}

Workspace::Workspace(std::string directory) : directory_(std::move(directory)) {
  std::error_code error;
  if (!fs::is_directory(directory_, error)) {
    throw InvalidArgument("'" + directory_ + "' is not a folder; create it or give --dir an existing one");
  }
  data_dir_ = (fs::path(directory_) / "data").string();
  models_dir_ = (fs::path(directory_) / "models").string();
  for (const auto& folder : {data_dir_, models_dir_}) {
    fs::create_directories(folder, error);
    if (error || !fs::is_directory(folder)) {
      throw InvalidArgument("cannot create the folder '" + folder + "': " + error.message());
    }
  }
}

std::optional<std::string> Workspace::existing_file(const std::string& folder, const std::string& name) const {
  if (!is_safe_file_name(name)) return std::nullopt;
  const std::string path = (fs::path(folder) / name).string();
  struct stat status {};
  // lstat: a symbolic link planted in the folder is not followed out of it.
  if (lstat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) return std::nullopt;
  return path;
}

Upload::Upload(std::string name, std::string path) : name_(std::move(name)), path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot create '" + path_ + "': " + std::strerror(errno));
}

Upload::Upload(Upload&& other) noexcept
    : name_(std::move(other.name_)),
      path_(std::exchange(other.path_, {})),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_) {}

Upload::~Upload() {
  close_file();
  if (!path_.empty()) ::unlink(path_.c_str());
}

void Upload::close_file() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Upload::append(const char* data, size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd_, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw Error("cannot store the upload '" + name_ + "': " + std::strerror(errno));
    data += written;
    size -= static_cast<size_t>(written);
    size_ += written;
  }
}

DatasetInfo Workspace::add_dataset(std::string_view requested_name, std::string_view bytes) {
  Upload upload = receive(requested_name);
  upload.append(bytes.data(), bytes.size());
  return add_dataset(std::move(upload));
}

Upload Workspace::receive(std::string_view requested_name) {
  const std::string safe = safe_file_name(requested_name);
  const std::string ext = extension(safe);
  if (ext != ".csv" && ext != ".tsv" && ext != ".txt" && ext != ".npy") {
    throw InvalidArgument("'" + safe + "' is not a data file this interface reads; upload a .csv, .tsv or .npy file");
  }
  // A leading dot: never listed, never a name a request can reach (is_safe_file_name).
  static std::atomic<uint64_t> uploads{0};
  const std::string hidden = ".upload-" + std::to_string(::getpid()) + "-" + std::to_string(++uploads) + "-" + safe;
  return Upload(safe, (fs::path(data_dir_) / hidden).string());
}

DatasetInfo Workspace::add_dataset(Upload upload) {
  const std::string& safe = upload.name_;
  if (upload.size() == 0) throw DataError("'" + safe + "' is empty");
  if (::fsync(upload.fd_) != 0) throw Error("cannot store the upload '" + safe + "': " + std::strerror(errno));
  upload.close_file();
  const Dataset data = parse_dataset(read_file(upload.path_), safe);
  if (data.rows() < 2)
    throw DataError("'" + safe + "' has " + std::to_string(data.rows()) + " rows; training needs at least 2");
  DatasetInfo info;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string name = safe;
    for (int copy = 2; existing_file(data_dir_, name) || fs::exists(fs::path(data_dir_) / name); ++copy) {
      name = stem(safe) + "-" + std::to_string(copy) + extension(safe);
    }
    const std::string destination = (fs::path(data_dir_) / name).string();
    if (::rename(upload.path_.c_str(), destination.c_str()) != 0) {
      throw Error("cannot store the upload as '" + destination + "': " + std::strerror(errno));
    }
    upload.path_.clear();  // kept
    info = described_[name] = info_of(name, data);
  }
  write_description(info);
  return info;
}

DatasetInfo Workspace::describe(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = described_.find(name);
    if (found != described_.end()) return found->second;
  }
  if (auto kept = kept_description(name)) {
    std::lock_guard<std::mutex> lock(mutex_);
    return described_[name] = *kept;
  }
  DatasetInfo info = info_of(name, read_dataset(name));
  keep_description(info);
  return info;
}

void Workspace::keep_description(const DatasetInfo& info) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    described_[info.name] = info;
  }
  write_description(info);
}

void Workspace::write_description(const DatasetInfo& info) const {
  try {
    write_file_atomically((fs::path(data_dir_) / info_name(info.name)).string(), dataset_json(info).dump());
  } catch (const Error&) {
    // A folder that takes no more files still serves; the data set is described again later.
  }
}

// The description kept beside a data set, when it is at least as new as the data.
std::optional<DatasetInfo> Workspace::kept_description(const std::string& name) const {
  const auto data = existing_file(data_dir_, name);
  const std::string kept = (fs::path(data_dir_) / info_name(name)).string();
  std::error_code error;
  if (!data || !fs::is_regular_file(kept, error) ||
      fs::last_write_time(kept, error) < fs::last_write_time(*data, error)) {
    return std::nullopt;
  }
  try {
    DatasetInfo info = dataset_info_from_json(parse_json(read_file(kept), "'" + kept + "'"));
    if (info.name == name) return info;
  } catch (const Error&) {
    // A damaged description is made again from the data.
  }
  return std::nullopt;
}

std::vector<DatasetInfo> Workspace::datasets() {
  std::vector<DatasetInfo> list;
  std::error_code error;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(data_dir_, error)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (!existing_file(data_dir_, name)) continue;
    try {
      list.push_back(describe(name));
    } catch (const Error&) {
      // A file put there by hand that is not a data set is left out of the list.
    }
  }
  return list;
}

DatasetInfo Workspace::dataset_info(const std::string& name) { return describe(name); }

Dataset Workspace::read_dataset(const std::string& name) {
  const auto path = existing_file(data_dir_, name);
  if (!path) throw InvalidArgument("there is no data set '" + name + "'; upload it first");
  return parse_dataset(read_file(*path), name);
}

std::string Workspace::model_path(const std::string& name) const {
  const auto path = ends_with(name, ".hgm") ? existing_file(models_dir_, name) : std::nullopt;
  if (!path) throw InvalidArgument("there is no model '" + name + "'");
  return *path;
}

std::string Workspace::new_model_name(std::string_view requested) {
  const std::string base = stem(safe_file_name(std::string(requested) + ".hgm"));
  std::lock_guard<std::mutex> lock(mutex_);
  std::string name = base + ".hgm";
  for (int copy = 2; fs::exists(fs::path(models_dir_) / name) ||
                     std::find(reserved_models_.begin(), reserved_models_.end(), name) != reserved_models_.end();
       ++copy) {
    name = base + "-" + std::to_string(copy) + ".hgm";
  }
  reserved_models_.push_back(name);
  return name;
}

std::string Workspace::model_destination(const std::string& name) const {
  if (!is_safe_file_name(name) || !ends_with(name, ".hgm")) throw InvalidArgument("bad model name '" + name + "'");
  return (fs::path(models_dir_) / name).string();
}

std::vector<std::string> Workspace::models() const {
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(models_dir_, error)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, ".hgm") && existing_file(models_dir_, name))
      found.emplace_back(entry.last_write_time(error), name);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> names;
  for (const auto& item : found) names.push_back(item.second);
  return names;
}

}  // namespace hourglass::serve
