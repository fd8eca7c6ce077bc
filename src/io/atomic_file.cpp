#include "hourglass/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

std::string folder_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error("cannot write '" + path + "': " + what + " (does the folder exist and is it writable?)");
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {}

void AtomicFile::commit() { write_file_atomically(path_, buffer_.str()); }

void write_file_atomically(const std::string& path, std::string_view bytes) {
  if (path.empty()) throw Error("cannot write a file with an empty name");
  std::string temp = path + ".tmp-XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) fail(path, std::strerror(errno));
  auto abandon = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    close(fd);
    unlink(temp.c_str());
    fail(path, std::string(what) + ": " + reason);
  };
  for (size_t written = 0; written < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      abandon("write failed");
    }
    written += static_cast<size_t>(n);
  }
  // mkstemp creates 0600; outputs are meant to be shared like any created file.
  // (Reading the umask would mean changing it, which is not thread-safe.)
  fchmod(fd, 0644);
  if (fsync(fd) != 0) abandon("fsync failed");
  if (close(fd) != 0) {
    unlink(temp.c_str());
    fail(path, std::strerror(errno));
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    unlink(temp.c_str());
    fail(path, reason);
  }
  // Make the rename itself durable.
  int dir = open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
}

void check_writable(const std::string& path) {
  if (path.empty()) throw Error("cannot write a file with an empty name");
  if (access(folder_of(path).c_str(), W_OK) != 0) fail(path, std::strerror(errno));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read '" + path + "': " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw DataError("cannot read '" + path + "': read error");
  return bytes;
}

}  // namespace hourglass
