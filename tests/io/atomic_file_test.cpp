#include "hourglass/io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

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
  const auto slash = path.find_last_of('/');
  EXPECT_EQ(testing::files_starting_with(path.substr(0, slash), path.substr(slash + 1)), 1);  // no temporary left
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

TEST(AtomicFile, ASymbolicLinkStaysALinkAndItsTargetIsReplaced) {
  const std::string target = testing::temp_path("link-target.csv"), link = testing::temp_path("link.csv");
  write_file_atomically(target, "old");
  unlink(link.c_str());
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  write_file_atomically(link, "new");
  struct stat info {};
  ASSERT_EQ(lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(read_file(target), "new");
}

TEST(AtomicFile, ADeviceIsWrittenThroughNotReplaced) {
  write_file_atomically("/dev/null", "anything");
  struct stat info {};
  ASSERT_EQ(stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
  try {
    write_file_atomically("/dev/full", "bytes");  // a device that is always full
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, AReplacedFileKeepsItsPermissions) {
  const std::string path = testing::temp_path("private.hgm");
  write_file_atomically(path, "v1");
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  write_file_atomically(path, "v2");
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  const std::string fresh = testing::temp_path("fresh.hgm");
  unlink(fresh.c_str());
  write_file_atomically(fresh, "v1");
  ASSERT_EQ(stat(fresh.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u);
}

TEST(AtomicFile, TemporariesOfADeadProcessAreRemovedAtTheNextWrite) {
  const std::string path = testing::temp_path("stale.hgm");
  const std::string folder = path.substr(0, path.find_last_of('/'));
  const std::string prefix = folder + "/." + path.substr(folder.size() + 1) + ".hourglass-";
  // pid_max is at most 2^22: this process cannot exist.
  const std::string stale = prefix + "99999999-abcdef", alive = prefix + std::to_string(getpid()) + "-abcdef";
  std::ofstream(stale) << "partial";
  std::ofstream(alive) << "being written";
  write_file_atomically(path, "whole");
  EXPECT_NE(access(stale.c_str(), F_OK), 0);
  EXPECT_EQ(access(alive.c_str(), F_OK), 0);  // another writer's, still running
  unlink(alive.c_str());
}

TEST(AtomicFile, ReadingAFolderOrADeviceIsADataError) {
  for (const std::string& path : {std::string(::testing::TempDir()), std::string("/dev/zero")}) {
    try {
      read_file(path);
      FAIL() << path;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(path.substr(0, 10)), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace hourglass
