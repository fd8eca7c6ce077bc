// Small data sets the tests generate or the project ships.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "hourglass/data/dataset.hpp"

namespace hourglass::testing {

/// rows x cols data of exact rank `rank` (plus an offset), from a fixed seed.
inline torch::Tensor low_rank_data(int64_t rows, int64_t cols, int64_t rank, uint64_t seed = 1) {
  auto generator = at::detail::createCPUGenerator(seed);
  const auto a = torch::randn({rows, rank}, generator);
  const auto b = torch::randn({rank, cols}, generator);
  return a.mm(b) + torch::linspace(-1, 1, cols);
}

/// The iris measurements shipped in data/iris.csv (150 x 4, species as labels).
inline Dataset iris() {
  return read_data(std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv", ReadOptions().label("Species"));
}

/// The message of the `E` that `action` throws, or "no error".
template <typename E, typename Action>
std::string error_of(Action&& action) {
  try {
    action();
  } catch (const E& e) {
    return e.what();
  }
  return "no error";
}

/// The gradient of `f` at `x` by central differences, one entry at a time (use double
/// tensors): the independent check of an autograd gradient.
template <typename F>
torch::Tensor finite_difference_gradient(F&& f, const torch::Tensor& x, double h = 1e-6) {
  auto gradient = torch::zeros_like(x);
  for (int64_t i = 0; i < x.numel(); ++i) {
    auto up = x.clone(), down = x.clone();
    up.view(-1)[i] += h;
    down.view(-1)[i] -= h;
    gradient.view(-1)[i] = (f(up).template item<double>() - f(down).template item<double>()) / (2 * h);
  }
  return gradient;
}

/// How many entries of `folder` have names starting with `prefix` ("." counts "." and "..").
inline int files_starting_with(const std::string& folder, const std::string& prefix) {
  int count = 0;
  if (DIR* dir = opendir(folder.c_str())) {
    while (dirent* entry = readdir(dir)) count += std::string(entry->d_name).rfind(prefix, 0) == 0;
    closedir(dir);
  }
  return count;
}

/// Removes a test's temporary folder when the test has passed; a failed test's folder
/// stays, for a look at what it left (its path is in the failure's messages).
class TemporaryFolderCleaner : public ::testing::EmptyTestEventListener {
 public:
  static std::string folder_of(const ::testing::TestInfo& test) {
    return ::testing::TempDir() + "hourglass-" + test.test_suite_name() + "." + test.name() + "-" +
           std::to_string(getpid());
  }
  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (!test.result()->Failed()) {
      std::error_code ignored;
      std::filesystem::remove_all(folder_of(test), ignored);
    }
  }
};

/// A path in a temporary folder that is this test's own: named after its suite, its name
/// and the process (tests of one file share a process, and CTest runs files side by
/// side). The folder is made on first use and removed when the test passes.
inline std::string temp_path(const std::string& name) {
  static const bool cleaner_listening = [] {
    ::testing::UnitTest::GetInstance()->listeners().Append(new TemporaryFolderCleaner);  // gtest owns it
    return true;
  }();
  (void)cleaner_listening;
  const std::string folder =
      TemporaryFolderCleaner::folder_of(*::testing::UnitTest::GetInstance()->current_test_info());
  std::filesystem::create_directories(folder);
  return folder + "/" + name;
}

}  // namespace hourglass::testing
