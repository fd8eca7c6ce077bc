// The web interface's folder: data sets kept with their descriptions, so that a restarted
// server lists them without parsing each file again.
#include "serve/workspace.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "support/fixtures.hpp"

namespace hourglass::serve {
namespace {

namespace fs = std::filesystem;

TEST(Workspace, ARestartListsDataSetsFromTheirKeptDescriptions) {
  const fs::path folder = testing::temp_path("workspace");  // removed when the test passes
  fs::create_directories(folder);
  const std::string table = read_file(std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv");
  const DatasetInfo added = Workspace(folder.string()).add_dataset("iris.csv", table);
  EXPECT_EQ(added.rows, 150);
  EXPECT_EQ(added.label, "Species");

  // The data file is replaced behind the server's back but keeps its time: the listing
  // comes from the description, so the file was not read.
  const fs::path data = folder / "data/iris.csv";
  const auto written = fs::last_write_time(data);
  std::ofstream(data, std::ios::trunc) << "a,b\n1,2\n3,4\n";
  fs::last_write_time(data, written);
  const auto listed = Workspace(folder.string()).datasets();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(dataset_json(listed[0]), dataset_json(added));

  // A data file newer than its description is described again from its content.
  fs::last_write_time(data, written + std::chrono::hours(1));
  const auto again = Workspace(folder.string()).datasets();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].rows, 2);
  // A damaged description is made again too.
  write_file_atomically((folder / "data/.info-iris.csv.json").string(), "{\"rows\": ");
  fs::last_write_time(folder / "data/.info-iris.csv.json", written + std::chrono::hours(2));
  EXPECT_EQ(Workspace(folder.string()).dataset_info("iris.csv").columns, std::vector<std::string>({"a", "b"}));
  EXPECT_THROW(dataset_info_from_json(nlohmann::json::array()), DataError);
}

}  // namespace
}  // namespace hourglass::serve
