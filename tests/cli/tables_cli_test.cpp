// Tables as they are on the command line: text columns as categories, missing cells,
// imputation, unseen levels and per-column scores.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "hourglass/hourglass.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using namespace hourglass::testing;  // NOLINT: the helpers every test here uses

// Four kinds of animal: three text columns and a weight that follow the kind, with holes.
std::string animals_csv() {
  const char* colours[] = {"red", "green", "blue", "black"};
  const char* sizes[] = {"S", "M", "L", "XL"};
  const char* kinds[] = {"cat", "dog", "cat", "dog"};
  std::ostringstream text;
  text << "colour,size,kind,weight\n";
  for (int r = 0; r < 160; ++r) {
    const int h = (r * 7) % 4;
    text << (r % 9 == 4 ? "NA" : colours[h]) << ',' << sizes[h] << ',' << (r % 13 == 6 ? "?" : kinds[h]) << ','
         << (r % 11 == 5 ? "" : std::to_string(10 * h + 1)) << '\n';
  }
  return write_text("animals.csv", text.str());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trained_table(const std::string& data) {
  const std::string model = temp_path("animals.hgm");
  const Result r = hourglass_cli("train " + data +
                                 " --network 8,3:tanh --optimizer adam --lr 0.01 --epochs 60 --batch-size 16 "
                                 "--scale zscore --seed 3 -o " +
                                 model);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Categories reconstructed: autoencoder 1,"), std::string::npos) << r.err;
  return model;
}

TEST(TablesCli, TrainsReconstructsAndImputesATableWithCategoriesAndHoles) {
  const std::string data = animals_csv(), model = trained_table(data);
  Result r = hourglass_cli("reconstruct " + model + " " + data);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 161u);
  EXPECT_EQ(rows[0], "colour,size,kind,weight");
  EXPECT_EQ(rows[1].rfind("red,S,cat,", 0), 0u) << rows[1];
  EXPECT_EQ(r.out.find("NA"), std::string::npos);

  const std::string filled = temp_path("filled.csv");
  r = hourglass_cli("impute " + model + " " + data + " -o " + filled);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Filled 45 missing cells of 160 rows"), std::string::npos) << r.err;
  const auto original = lines_of(slurp(data)), imputed = lines_of(slurp(filled));
  ASSERT_EQ(imputed.size(), original.size());
  EXPECT_EQ(imputed[1], original[1]);    // complete rows stay as they are
  EXPECT_EQ(original[5], "NA,S,cat,1");  // row 4: the colour is missing; its size says red
  EXPECT_EQ(imputed[5], "red,S,cat,1");

  r = hourglass_cli("score " + model + " " + data + " --per-feature");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0], "score,score_colour,score_size,score_kind,score_weight");
  r = hourglass_cli("encode " + model + " " + data);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[0], "code_1,code_2,code_3");
}

TEST(TablesCli, UnseenLevelsAreRefusedOrReadAsMissing) {
  const std::string model = trained_table(animals_csv());
  const std::string later = write_text("later.csv", "colour,size,kind,weight\npink,S,cat,1\nred,S,cat,1\n");
  Result r = hourglass_cli("score " + model + " " + later);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("column 'colour': 'pink' is not one of the levels the model was trained on"), std::string::npos)
      << r.err;
  r = hourglass_cli("reconstruct " + model + " " + later + " --unseen-levels missing");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out)[1].rfind("red,S,cat,", 0), 0u) << r.out;  // pink read as missing, filled as red
  // Columns in another order are refused by name.
  const std::string swapped = write_text("swapped.csv", "size,colour,kind,weight\nS,red,cat,1\n");
  r = hourglass_cli("encode " + model + " " + swapped);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("column 1 of the data is 'size' where the model has 'colour'"), std::string::npos) << r.err;
}

TEST(TablesCli, AnOtherLevelAndMissingIndicatorsAreTrainOptionsTheModelKeeps) {
  const std::string data = animals_csv(), model = temp_path("animals-other.hgm");
  Result r = hourglass_cli("train " + data +
                           " --network 8,3:tanh --optimizer adam --lr 0.01 --epochs 20 --batch-size 16 --scale zscore "
                           "--seed 3 --other-level 2 --missing-indicators -o " +
                           model);
  ASSERT_EQ(r.status, 0) << r.err;
  r = hourglass_cli("summary " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  // colour 4 + 1, size 4 + 1, kind 2 + 1, weight 1, and the indicators of colour, kind and weight.
  EXPECT_NE(r.out.find("A table of 4 columns (3 categorical), 17 values in the network"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"(other)\" level takes its levels seen in fewer than 2 training rows"), std::string::npos);
  EXPECT_NE(r.out.find("Missing indicators: colour, kind, weight"), std::string::npos) << r.out;
  // An unseen colour is "(other)" by the model's rule; asked to, it is refused.
  const std::string later = write_text("later.csv", "colour,size,kind,weight\npink,S,cat,1\nred,S,cat,\n");
  r = hourglass_cli("score " + model + " " + later + " --per-feature");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 3u) << r.out;
  r = hourglass_cli("score " + model + " " + later + " --unseen-levels error");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("'pink' is not one of the levels the model was trained on (black, blue, green, red, (other))"),
            std::string::npos)
      << r.err;
  // A model without the level says so.
  r = hourglass_cli("score " + trained_table(data) + " " + later + " --unseen-levels other");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("the model has no such level"), std::string::npos) << r.err;
  r = hourglass_cli("train " + data + " --network 2 --other-level -1 -o " + temp_path("bad.hgm"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("other_level must be 0 (off) or a count of training rows >= 1, got -1"), std::string::npos)
      << r.err;
}

TEST(TablesCli, NaValuesNameTheSpellingsOfMissing) {
  const std::string data = write_text("coded.csv", "a,b\n1,2\n-1,4\n3,-1\n4,8\n");
  const std::string model = temp_path("coded.hgm");
  Result r = hourglass_cli("train " + data + " --network 1 --epochs 2 --na-values=-1 -o " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  r = hourglass_cli("impute " + model + " " + data + " --na-values=-1");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto filled = lines_of(r.out);
  ASSERT_EQ(filled.size(), 5u) << r.out;
  EXPECT_EQ(filled[1], "1,2");
  EXPECT_NE(filled[2].substr(0, filled[2].find(',')), "-1") << r.out;  // the holes hold numbers now
  EXPECT_NE(filled[3].substr(filled[3].find(',') + 1), "-1") << r.out;
  EXPECT_EQ(filled[4], "4,8");
  // With none, an empty cell is an error again.
  r = hourglass_cli("train " + write_text("hole.csv", "a,b\n1,\n3,4\n") + " --network 1 --na-values none -o " + model);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("empty cell"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--na-values ',NA'"), std::string::npos) << r.err;  // the spelling the message names works:
  EXPECT_EQ(hourglass_in_process(
                {"train", temp_path("hole.csv"), "--network", "1", "--epochs", "1", "--na-values", ",NA", "-o", model})
                .status,
            0);
}

// The empty cell in --na-values: an empty item, however the shell passes it.
TEST(TablesCli, NaValuesSpellTheEmptyCellAsAnEmptyItem) {
  using List = std::vector<std::string>;
  EXPECT_EQ(cli::na_value_list(",NA"), (List{"", "NA"}));
  EXPECT_EQ(cli::na_value_list("NA,"), (List{"NA", ""}));
  EXPECT_EQ(cli::na_value_list(""), (List{""}));
  EXPECT_EQ(cli::na_value_list("'',NA"), (List{"", "NA"}));
  EXPECT_EQ(cli::na_value_list("\"\", NA , ?"), (List{"", "NA", "?"}));
  EXPECT_EQ(cli::na_value_list(" "), (List{""}));
  EXPECT_EQ(cli::na_value_list("-1"), (List{"-1"}));
  EXPECT_EQ(cli::na_value_list("none"), List{});
}

// A Latin-1 file: refused in one line with what to do (once an internal error and exit 1),
// then read with --encoding; its level names come back as UTF-8.
TEST(TablesCli, TextInAnotherEncodingIsReadWhenNamedAndRefusedInOneLineOtherwise) {
  const std::string data = write_text("l1.csv", "caf\xe9,b\nv\xe9lo,2\nauto,4\nv\xe9lo,5\nauto,1\n");
  const std::string model = temp_path("l1.hgm");
  Result r = hourglass_in_process({"train", data, "--network", "2", "--epochs", "1", "-o", model});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "hourglass: error: '" + data +
                       "': line 1 is not UTF-8 text (byte 0xE9); give the file's encoding, e.g. --encoding latin1 (or "
                       "cp1252 for files from Windows), or convert it: iconv -f latin1 -t utf-8\n");
  r = hourglass_in_process({"train", data, "--encoding", "latin1", "--network", "2", "--epochs", "1", "-o", model});
  ASSERT_EQ(r.status, 0) << r.err;
  r = hourglass_in_process({"impute", model, data, "--encoding", "latin1"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n', r.out.find('\n') + 1)), "caf\xc3\xa9,b\nv\xc3\xa9lo,2");
  r = hourglass_in_process({"train", data, "--encoding", "klingon", "--network", "2", "-o", model});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown text encoding 'klingon'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hourglass
