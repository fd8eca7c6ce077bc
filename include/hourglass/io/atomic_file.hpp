// Output files that are either complete or absent: written to a temporary file in the
// same folder, flushed to disk (fsync) and renamed over the target on commit().
//
//   AtomicFile file("codes.csv");
//   file.stream() << "code_1\n0.5\n";
//   file.commit();            // without commit() nothing is left behind
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace hourglass {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return buffer_; }
  /// Writes the file; throws hourglass::Error naming the path on any failure.
  void commit();

 private:
  std::string path_;
  std::ostringstream buffer_;
};

/// Writes `bytes` to `path` atomically.
void write_file_atomically(const std::string& path, std::string_view bytes);

/// Throws hourglass::Error naming the path when a file could not be created there (the
/// folder is missing or not writable); lets long jobs fail before they start.
void check_writable(const std::string& path);

/// Reads a whole file; throws DataError naming the path when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace hourglass
