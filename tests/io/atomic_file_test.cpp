#include "hourglass/io/atomic_file.hpp"

#include <gtest/gtest.h>

#include <dirent.h>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

int files_starting_with(const std::string& folder, const std::string& prefix) {
  int count = 0;
  if (DIR* dir = opendir(folder.c_str())) {
    while (dirent* entry = readdir(dir)) count += std::string(entry->d_name).rfind(prefix, 0) == 0;
    closedir(dir);
  }
  return count;
}

TEST(AtomicFile, CommitWritesTheWholeFileAndNothingElse) {
  const std::string path = testing::temp_path("out.csv");
  {
    AtomicFile file(path);
    file.stream() << "a,b\n1,2\n";
    file.commit();
  }
  EXPECT_EQ(read_file(path), "a,b\n1,2\n");
  write_file_atomically(path, "replaced");
  EXPECT_EQ(read_file(path), "replaced");
  const std::string name = path.substr(path.find_last_of('/') + 1);
  EXPECT_EQ(files_starting_with(::testing::TempDir(), name), 1);  // no temporary left
}

TEST(AtomicFile, WithoutCommitNothingIsWritten) {
  const std::string path = testing::temp_path("never.csv");
  {
    AtomicFile file(path);
    file.stream() << "partial";
  }
  EXPECT_THROW(read_file(path), DataError);
}

TEST(AtomicFile, CheckWritableRefusesMissingFoldersBeforeAnyWork) {
  EXPECT_NO_THROW(check_writable(testing::temp_path("fine.csv")));
  EXPECT_THROW(check_writable("/nonexistent-folder/x.hgm"), Error);
}

TEST(AtomicFile, AMissingFolderIsAClearError) {
  try {
    write_file_atomically("/nonexistent-folder/x.csv", "data");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write '/nonexistent-folder/x.csv'"), std::string::npos);
  }
}

}  // namespace
}  // namespace hourglass
