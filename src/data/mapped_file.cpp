#include "data/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

class Mapping {
 public:
  // Keeps `fd` open, so that a file that shrinks under the map can be told apart.
  Mapping(std::string path, int fd, void* address, size_t length)
      : path_(std::move(path)), fd_(fd), address_(address), length_(length) {}
  ~Mapping() {
    munmap(address_, length_);
    close(fd_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  bool contains(const void* p) const {
    const auto* begin = static_cast<const char*>(address_);
    return p >= begin && p < begin + length_;
  }
  // MADV_DONTNEED on a shared read-only file map drops the page table entries only;
  // the file's data and the page cache are untouched.
  void release() const { madvise(address_, length_, MADV_DONTNEED); }
  const char* bytes() const { return static_cast<const char*>(address_); }

  // Reading a page past the end of a truncated file raises SIGBUS; the check before
  // each pass turns the common case into an error.
  void check_intact() const {
    struct stat info {};
    if (fstat(fd_, &info) != 0) return;
    if (static_cast<size_t>(info.st_size) < length_) {
      throw DataError("'" + abbreviate(path_) + "' shrank from " + std::to_string(length_) + " to " +
                      std::to_string(info.st_size) +
                      " bytes while it was memory-mapped; do not change an input file during a run");
    }
  }

 private:
  std::string path_;
  int fd_;
  void* address_;
  size_t length_;
};

// The live maps, so that release_mapped_pages() can find the one behind a tensor.
std::mutex registry_mutex;
std::vector<std::weak_ptr<Mapping>>& registry() {
  static std::vector<std::weak_ptr<Mapping>> maps;
  return maps;
}

std::shared_ptr<Mapping> mapping_of(const at::Tensor& values) {
  if (!values.defined() || !values.has_storage()) return nullptr;
  const void* data = values.storage().data();
  std::lock_guard<std::mutex> lock(registry_mutex);
  auto& maps = registry();
  std::shared_ptr<Mapping> found;
  for (auto it = maps.begin(); it != maps.end();) {
    auto live = it->lock();
    if (!live) {
      it = maps.erase(it);
      continue;
    }
    if (live->contains(data)) found = live;
    ++it;
  }
  return found;
}

DataError map_error(const std::string& path, const std::string& what) {
  return DataError("'" + path + "': cannot memory-map the file (" + what + ": " + std::strerror(errno) + ")");
}

}  // namespace

at::Tensor map_file_as_tensor(const std::string& path, size_t offset, const std::vector<int64_t>& sizes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw map_error(path, "open");
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    close(fd);
    throw map_error(path, "stat");
  }
  const auto length = static_cast<size_t>(info.st_size);
  void* address = length > 0 ? mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  if (address == MAP_FAILED) {
    const int saved = errno;
    close(fd);
    errno = saved;
    throw map_error(path, "mmap");
  }
  // Batches gather rows in random order: no readahead around each one.
  madvise(address, length, MADV_RANDOM);
  auto mapping = std::make_shared<Mapping>(path, fd, address, length);
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry().push_back(mapping);
  }
  auto* data = const_cast<char*>(mapping->bytes() + offset);  // read-only map: never written through
  return torch::from_blob(
      data, sizes, [mapping](void*) mutable { mapping.reset(); }, torch::kFloat);
}

void release_mapped_pages(const at::Tensor& values) {
  if (auto mapping = mapping_of(values)) mapping->release();
}

void check_mapped_file(const at::Tensor& values) {
  if (auto mapping = mapping_of(values)) mapping->check_intact();
}

bool is_memory_mapped(const at::Tensor& values) { return mapping_of(values) != nullptr; }

}  // namespace hourglass
