#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

std::string csv_error(const std::string& text, const ReadOptions& options = {}) {
  return testing::error_of<DataError>([&] { parse_delimited(text, "t.csv", options); });
}

TEST(Csv, ReadsTheBundledIrisWithItsLabels) {
  const Dataset iris = testing::iris();
  EXPECT_EQ(iris.features.sizes(), (std::vector<int64_t>{150, 4}));
  EXPECT_EQ(iris.columns, (std::vector<std::string>{"Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"}));
  EXPECT_EQ(iris.label_name, "Species");
  EXPECT_EQ(iris.labels.front(), "setosa");
  EXPECT_EQ(iris.labels.back(), "virginica");
  EXPECT_FLOAT_EQ(iris.features[0][0].item<float>(), 5.1f);
  EXPECT_NEAR(iris.features.sum().item<double>(), 2078.7, 1e-3);
}

TEST(Csv, DetectsWhetherThereIsAHeader) {
  EXPECT_EQ(parse_delimited("a,b\n1,2\n", "t").columns, (std::vector<std::string>{"a", "b"}));
  const Dataset no_header = parse_delimited("1,2\n3,4\n", "t");
  EXPECT_EQ(no_header.columns, (std::vector<std::string>{"V1", "V2"}));
  EXPECT_EQ(no_header.rows(), 2);
  // a text column in every row is data, not a header
  const Dataset labelled = parse_delimited("5.1,setosa\n6.2,virginica\n", "t", ReadOptions().label("2"));
  EXPECT_EQ(labelled.rows(), 2);
  EXPECT_EQ(labelled.labels, (std::vector<std::string>{"setosa", "virginica"}));
}

TEST(Csv, AcceptsBomCrlfQuotesTabsAndBlankLines) {
  const Dataset d = parse_delimited("\xEF\xBB\xBF\"x\",\"y, z\"\r\n1,\" 2.5\"\r\n\r\n-3e2,+4\r\n\n", "t");
  EXPECT_EQ(d.columns, (std::vector<std::string>{"x", "y, z"}));
  EXPECT_TRUE(torch::equal(d.features, torch::tensor({1.0f, 2.5f, -300.0f, 4.0f}).view({2, 2})));
  const Dataset tsv = parse_delimited("a\tb\n1\t2\n", "t");
  EXPECT_EQ(tsv.cols(), 2);
  const Dataset quoted_label = parse_delimited("v,name\n1,\"say \"\"hi\"\"\"\n", "t", ReadOptions().label("name"));
  EXPECT_EQ(quoted_label.labels[0], "say \"hi\"");
}

TEST(Csv, ReadsNumbersExactly) {
  const Dataset d = parse_delimited("0.1,3.4028235e38,1e-45\n", "t");
  EXPECT_EQ(d.features[0][0].item<float>(), 0.1f);
  EXPECT_EQ(d.features[0][1].item<float>(), 3.4028235e38f);
  EXPECT_EQ(d.features[0][2].item<float>(), 1e-45f);
}

TEST(Csv, ReadsAMillionColumnRow) {
  std::string row = "1";
  for (int i = 1; i < 1000000; ++i) row += ",1";
  EXPECT_EQ(parse_delimited(row + "\n", "t").cols(), 1000000);
}

TEST(Csv, ErrorsNameTheLineAndColumn) {
  EXPECT_NE(csv_error("a,b\n1,2\n3,x\n").find("line 3, column 2 ('b'): 'x' is not a number"), std::string::npos)
      << csv_error("a,b\n1,2\n3,x\n");
  EXPECT_NE(csv_error("a,b\n1,2\n3,x\n").find("--label"), std::string::npos);
  EXPECT_NE(csv_error("a,b\n1,2\n3\n").find("line 3 has 1 fields, expected 2"), std::string::npos);
  const auto strict = ReadOptions().na_values({});  // no spelling of "missing"
  EXPECT_NE(csv_error("a,b\n1,\n3,4\n", strict).find("line 2, column 2 ('b'): empty cell"), std::string::npos);
  EXPECT_NE(csv_error("a,b\n1,nan\n3,4\n", strict).find("'nan' is not a number"), std::string::npos);
  EXPECT_NE(csv_error("a,b\n1,inf\n").find("not finite"), std::string::npos);
  EXPECT_NE(csv_error("a,b\n1,1e39\n").find("not finite"), std::string::npos);
  EXPECT_NE(csv_error("").find("empty"), std::string::npos);
  EXPECT_NE(csv_error("\n\n").find("empty"), std::string::npos);
  EXPECT_NE(csv_error("a,b\n").find("no data rows"), std::string::npos);
  EXPECT_NE(csv_error("a,b\n1,2\n", ReadOptions().label("c")).find("no column 'c'"), std::string::npos);
  EXPECT_NE(csv_error("a\n1\n", ReadOptions().label("a")).find("no feature columns"), std::string::npos);
  EXPECT_NE(csv_error("a,b\n\"1,2\n").find("never closed"), std::string::npos);
}

TEST(Csv, MissingFilesNameThePath) {
  try {
    read_data("/nonexistent/file.csv");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read '/nonexistent/file.csv'"), std::string::npos);
  }
}

TEST(Csv, WritesAHeaderLabelsAndRoundTripFloats) {
  const auto values = torch::tensor({0.1f, 1.0f / 3.0f, -2.5e-8f, 7.0f}).view({2, 2});
  std::ostringstream out;
  write_csv(out, values, {"code_1", "code_2"}, "Species", {"setosa", "a,b"});
  EXPECT_EQ(out.str().substr(0, out.str().find('\n')), "code_1,code_2,Species");
  EXPECT_NE(out.str().find("\"a,b\""), std::string::npos);
  const Dataset back = parse_delimited(out.str(), "t", ReadOptions().label("Species"));
  EXPECT_TRUE(torch::equal(back.features, values));
  EXPECT_EQ(back.labels, (std::vector<std::string>{"setosa", "a,b"}));
  EXPECT_THROW(write_csv(out, values, {"only_one"}), InvalidArgument);
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

TEST(ReadData, TakesARunOfRows) {
  const std::string path = std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv";
  const Dataset all = read_data(path, ReadOptions().label("Species"));
  const Dataset some = read_data(path, ReadOptions().label("Species").first_row(100).row_count(20));
  ASSERT_EQ(some.rows(), 20);
  EXPECT_TRUE(torch::equal(some.features, all.features.narrow(0, 100, 20)));
  EXPECT_EQ(some.labels.front(), all.labels[100]);
  EXPECT_EQ(read_data(path, ReadOptions().label("Species").first_row(140).row_count(50)).rows(), 10);
  EXPECT_THROW(read_data(path, ReadOptions().first_row(150).row_count(1).label("Species")), DataError);
}

TEST(Csv, ReadsTextColumnsAsCategoriesWithSortedLevels) {
  const Dataset d = parse_delimited("size,colour,n\n1.5,red,1\n2,blue,2\n3,red,3\n4,green,4\n", "t");
  ASSERT_EQ(d.levels.size(), 3u);
  EXPECT_TRUE(d.levels[0].empty());
  EXPECT_EQ(d.levels[1], (std::vector<std::string>{"blue", "green", "red"}));
  EXPECT_TRUE(d.levels[2].empty());
  EXPECT_TRUE(d.has_categories());
  EXPECT_TRUE(torch::equal(d.features.select(1, 1), torch::tensor({2.0f, 0.0f, 2.0f, 1.0f})));
  EXPECT_FALSE(parse_delimited("a,b\n1,2\n", "t").has_categories());
  // Numbers in a column of text are levels too.
  const Dataset mixed = parse_delimited("grade\nA\nB\n3\nA\n", "t");
  EXPECT_EQ(mixed.levels[0], (std::vector<std::string>{"3", "A", "B"}));
}

TEST(Csv, MissingCellsAreNaNInEveryKindOfColumn) {
  const Dataset d = parse_delimited("x,y,z\n1,a,\nNA,?,2\nNaN,b,3\n4,a,nan\n", "t");
  EXPECT_EQ(d.features.isnan().sum().item<int64_t>(), 5);
  EXPECT_TRUE(std::isnan(d.features[1][0].item<float>()));
  EXPECT_TRUE(std::isnan(d.features[1][1].item<float>()));  // '?' in a categorical column
  EXPECT_EQ(d.levels[1], (std::vector<std::string>{"a", "b"}));
  // --na-values replaces the spellings: here -999 is missing and NA would be text.
  const Dataset coded = parse_delimited("x\n1\n-999\n3\n", "t", ReadOptions().na_values({"-999"}));
  EXPECT_TRUE(std::isnan(coded.features[1][0].item<float>()));
  EXPECT_EQ(coded.features.isnan().sum().item<int64_t>(), 1);
}

TEST(Csv, WritesATableThatReadsBackTheSame) {
  const Dataset d = parse_delimited("x,colour\n1.5,red\nNA,blue\n3,NA\n", "t");
  std::ostringstream out;
  write_csv(out, d);
  EXPECT_EQ(out.str(), "x,colour\n1.5,red\nNA,blue\n3,NA\n");
  const Dataset back = parse_delimited(out.str(), "t");
  EXPECT_EQ(back.levels, d.levels);
  EXPECT_TRUE(torch::equal(back.features.nan_to_num(-1), d.features.nan_to_num(-1)));
}

TEST(Csv, NumericOnlyReadersNameTheTextColumn) {
  const Dataset d = parse_delimited("x,colour\n1,red\n2,blue\n", "t");
  const auto message = testing::error_of<DataError>([&] { check_numeric(d, "pca"); });
  EXPECT_NE(message.find("pca reads numbers only, but column 'colour' holds text (2 categories)"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace hourglass
