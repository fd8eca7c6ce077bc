#include "hourglass/io/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "hourglass/error.hpp"
#include "hourglass/runtime.hpp"

namespace hourglass {
namespace {

std::string folder_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error("cannot write '" + abbreviate(path, 200) + "': " + what + " (does the folder exist and is it writable?)");
}

// Temporary files are named ".NAME.hourglass-PID-XXXXXX" beside the target: hidden, and
// traceable to the process that made them.
std::string temp_prefix(const std::string& path) { return "." + name_of(path) + ".hourglass-"; }

// A process killed while writing (SIGKILL runs no handler) leaves its temporary file:
// the next write to the same target removes those whose process is gone.
void remove_stale_temporaries(const std::string& path) {
  const std::string folder = folder_of(path), prefix = temp_prefix(path);
  DIR* dir = opendir(folder.c_str());
  if (!dir) return;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      unlink((folder + "/" + name).c_str());
    }
  }
  closedir(dir);
}

void write_all(int fd, std::string_view bytes, const std::function<void(const char*)>& abandon) {
  for (size_t written = 0; written < bytes.size();) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      abandon("write failed");
    }
    written += static_cast<size_t>(n);
  }
}

// A device, FIFO or socket (/dev/null, /dev/stdout, a pipe) is written to as it is,
// as every Unix tool does: there is no file to replace.
void write_through(const std::string& path, std::string_view bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(path, std::strerror(errno));
  write_all(fd, bytes, [&](const char* what) {
    const std::string reason = std::strerror(errno);
    close(fd);
    fail(path, std::string(what) + ": " + reason);
  });
  if (close(fd) != 0) fail(path, std::strerror(errno));
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {}

void AtomicFile::commit() { write_file_atomically(path_, buffer_.str()); }

void write_file_atomically(const std::string& requested, std::string_view bytes) {
  if (requested.empty()) throw Error("cannot write a file with an empty name");
  // A symbolic link stays a link: its target is what gets replaced.
  std::string path = requested;
  struct stat link {};
  if (lstat(requested.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char resolved[PATH_MAX];
    if (realpath(requested.c_str(), resolved)) {
      path = resolved;
    } else if (errno != ENOENT) {
      fail(requested, std::strerror(errno));
    }
  }
  struct stat existing {};
  const bool exists = stat(path.c_str(), &existing) == 0;
  if (exists && S_ISDIR(existing.st_mode)) fail(requested, "it is a folder");
  if (exists && !S_ISREG(existing.st_mode)) return write_through(path, bytes);

  remove_stale_temporaries(path);
  std::string temp = folder_of(path) + "/" + temp_prefix(path) + std::to_string(getpid()) + "-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) fail(requested, std::strerror(errno));
  auto abandon = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    close(fd);
    unlink(temp.c_str());
    fail(requested, std::string(what) + ": " + reason);
  };
  write_all(fd, bytes, abandon);
  // A replaced file keeps its mode and, where we may, its owner (a 0600 file stays
  // 0600); a new one is 0644 (mkstemp makes 0600, and reading the umask would mean
  // changing it, which is not thread-safe).
  if (exists) {
    fchmod(fd, existing.st_mode & 07777);
    if (fchown(fd, existing.st_uid, existing.st_gid) != 0) {
      // Only root may give a file away; an ordinary user's replacement is theirs.
    }
  } else {
    fchmod(fd, 0644);
  }
  if (fsync(fd) != 0) abandon("fsync failed");
  if (close(fd) != 0) {
    unlink(temp.c_str());
    fail(requested, std::strerror(errno));
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    unlink(temp.c_str());
    fail(requested, reason);
  }
  // Make the rename itself durable.
  const int dir = open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
}

void check_writable(const std::string& path) {
  if (path.empty()) throw Error("cannot write a file with an empty name");
  struct stat existing {};
  if (stat(path.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode)) fail(path, "it is a folder");
    if (!S_ISREG(existing.st_mode)) {
      if (access(path.c_str(), W_OK) != 0) fail(path, std::strerror(errno));
      return;  // written through
    }
  }
  char resolved[PATH_MAX];
  const std::string target = realpath(path.c_str(), resolved) ? std::string(resolved) : path;
  if (access(folder_of(target).c_str(), W_OK) != 0) fail(path, std::strerror(errno));
}

std::string read_file(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    throw DataError("cannot read '" + abbreviate(path, 200) + "': " + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) {
    throw DataError("cannot read '" + abbreviate(path, 200) + "': it is a folder; give a data or model file");
  }
  // A device such as /dev/zero never ends; a pipe does, and is read to its end.
  if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode)) {
    throw DataError("cannot read '" + abbreviate(path, 200) + "': it is not a regular file or a pipe");
  }
  const uint64_t limit = available_memory_bytes() / 2;
  if (S_ISREG(info.st_mode) && static_cast<uint64_t>(info.st_size) > limit) {
    throw DataError("cannot read '" + abbreviate(path, 200) + "': it holds " + format_bytes(info.st_size) +
                    " but only " + format_bytes(limit) +
                    " can be read into memory here; map a float32 .npy instead (--memory-map)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read '" + abbreviate(path, 200) + "': " + std::strerror(errno));
  std::string bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<size_t>(in.gcount()));
    if (bytes.size() > limit) {
      throw DataError("cannot read '" + abbreviate(path, 200) + "': it holds more than the " + format_bytes(limit) +
                      " that can be read into memory here");
    }
  }
  if (in.bad()) throw DataError("cannot read '" + abbreviate(path, 200) + "': read error");
  return bytes;
}

}  // namespace hourglass
