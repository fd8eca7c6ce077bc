#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>

#include "data/mapped_file.hpp"
#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/train.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

// A .npy file as numpy.save writes it (format 1.0, header padded to 64 bytes).
std::string npy(const std::string& descr, const std::string& shape, const std::string& data, bool fortran = false,
                char major = 1) {
  std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  const size_t prefix = major == 1 ? 10 : 12;
  dict.append(63 - (prefix + dict.size()) % 64, ' ');
  dict += '\n';
  std::string out = std::string("\x93NUMPY", 6) + major + '\0';
  out += static_cast<char>(dict.size() & 0xFF);
  out += static_cast<char>(dict.size() >> 8 & 0xFF);
  if (major != 1) out += std::string(2, '\0');
  return out + dict + data;
}

template <typename T>
std::string raw(std::vector<T> values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

TEST(Npy, ReadsFloatAndIntegerArrays) {
  const Dataset f = parse_npy(npy("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5, 6})), "x.npy");
  EXPECT_TRUE(torch::equal(f.features, torch::arange(1, 7, torch::kFloat).view({2, 3})));
  const Dataset d = parse_npy(npy("<f8", "(3,)", raw<double>({0.5, 1.5, 2.5})), "x.npy");
  EXPECT_EQ(d.features.sizes(), (std::vector<int64_t>{3, 1}));
  const Dataset u = parse_npy(npy("|u1", "(1, 2)", raw<uint8_t>({0, 255})), "x.npy");
  EXPECT_EQ(u.features[0][1].item<float>(), 255.0f);
  const Dataset i = parse_npy(npy("<i8", "(2, 1)", raw<int64_t>({-3, 4}), false, 2), "x.npy");
  EXPECT_EQ(i.features[0][0].item<float>(), -3.0f);
  // images N x H x W become N x (H W)
  const Dataset images = parse_npy(npy("<f4", "(2, 2, 2)", raw<float>({1, 2, 3, 4, 5, 6, 7, 8})), "x.npy");
  EXPECT_EQ(images.features.sizes(), (std::vector<int64_t>{2, 4}));
}

TEST(Npy, ReadsFortranOrder) {
  // the 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column
  const Dataset f = parse_npy(npy("<f4", "(2, 3)", raw<float>({1, 4, 2, 5, 3, 6}), true), "x.npy");
  EXPECT_TRUE(torch::equal(f.features, torch::arange(1, 7, torch::kFloat).view({2, 3})));
}

std::string npy_error(const std::string& bytes) {
  return testing::error_of<DataError>([&] { parse_npy(bytes, "x.npy"); });
}

TEST(Npy, RefusesWhatItCannotRead) {
  EXPECT_NE(npy_error("PK\x03\x04 not numpy").find("bad magic"), std::string::npos);
  EXPECT_NE(npy_error(npy(">f4", "(1,)", raw<float>({1}))).find("big-endian"), std::string::npos);
  EXPECT_NE(npy_error(npy("|O", "(1,)", raw<int64_t>({0}))).find("not supported"), std::string::npos);
  EXPECT_NE(npy_error(npy("<c8", "(1,)", raw<float>({1, 2}))).find("not supported"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "(2, 2)", raw<float>({1, 2, 3}))).find("truncated"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "(99999999999, 99999999999)", "")).find("impossibly large"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "()", raw<float>({1}))).find("scalar"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "(0, 3)", "")).find("empty"), std::string::npos);
  EXPECT_NE(npy_error(npy("<f4", "(2,)", raw<float>({1, INFINITY}))).find("holds Inf"), std::string::npos);
  EXPECT_NE(npy_error(std::string("\x93NUMPY\x09\x00\x00\x00", 10)).find("version 9"), std::string::npos);
  const std::string whole = npy("<f4", "(2, 2)", raw<float>({1, 2, 3, 4}));
  for (size_t length = 0; length < whole.size(); ++length) {
    EXPECT_THROW(parse_npy(whole.substr(0, length), "x.npy"), DataError) << length;
  }
}

// NaN is a missing cell whether the file is read or memory-mapped (issue 29: the mapped
// file trained while the read one was refused).
TEST(Npy, NanIsAMissingCellReadOrMapped) {
  const std::string path = testing::temp_path("holes.npy");
  write_file_atomically(path, npy("<f4", "(2, 2)", raw<float>({1, NAN, 3, 4})));
  const Dataset read = read_data(path), mapped = read_data(path, ReadOptions().memory_map(true));
  EXPECT_TRUE(std::isnan(read.features[0][1].item<float>()));
  EXPECT_TRUE(std::isnan(mapped.features[0][1].item<float>()));
  EXPECT_EQ(read.features[1][0].item<float>(), 3.0f);
}

TEST(Npy, IsChosenByTheFileExtension) {
  const std::string path = testing::temp_path("data.npy");
  write_file_atomically(path, npy("<f4", "(1, 2)", raw<float>({7, 8})));
  EXPECT_EQ(read_data(path).features[0][1].item<float>(), 8.0f);
  EXPECT_THROW(read_data(path, ReadOptions().label("x")), DataError);
}

}  // namespace
}  // namespace hourglass

namespace hourglass {
namespace {

// A float32 C-order .npy of the given shape holding 0, 1, 2, ...
std::string npy_of_shape(const std::vector<int64_t>& shape) {
  std::string dims;
  int64_t count = 1;
  for (int64_t d : shape) {
    dims += std::to_string(d) + ", ";
    count *= d;
  }
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  header.resize(118, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header;
  for (int64_t i = 0; i < count; ++i) {
    const float v = static_cast<float>(i);
    bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  return bytes;
}

TEST(Npy, ImagesKeepTheirShapeChannelsFirstOrLast) {
  const Dataset first = parse_npy(npy_of_shape({2, 3, 4, 5}), "images.npy");
  EXPECT_EQ(first.features.sizes(), (std::vector<int64_t>{2, 60}));
  EXPECT_EQ(first.sample_shape, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(first.samples().sizes(), (std::vector<int64_t>{2, 3, 4, 5}));
  // Channels last: N x H x W x C = 2 x 4 x 5 x 3 becomes 2 x 3 x 4 x 5.
  const Dataset last = parse_npy(npy_of_shape({2, 4, 5, 3}), "images.npy", /*channels_last=*/true);
  EXPECT_EQ(last.sample_shape, (std::vector<int64_t>{3, 4, 5}));
  // Channel 1 of pixel (0, 0) of image 0 was element 1 of the file.
  EXPECT_EQ(last.samples()[0][1][0][0].item<float>(), 1.0f);
  EXPECT_EQ(parse_npy(npy_of_shape({2, 3, 7}), "signals.npy").sample_shape, (std::vector<int64_t>{3, 7}));
  EXPECT_TRUE(parse_npy(npy_of_shape({2, 3}), "table.npy").sample_shape.empty());
  EXPECT_THROW(parse_npy(npy_of_shape({1, 1, 1, 1, 2}), "five.npy"), DataError);
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  const std::string path = testing::temp_path(name);
  write_file_atomically(path, bytes);
  return path;
}

TEST(Npy, AMemoryMappedFileGivesTheValuesOfAReadOne) {
  torch::manual_seed(2);
  const auto values = torch::randn({300, 7});
  const std::string bytes =
      npy("<f4", "(300, 7)", std::string(static_cast<const char*>(values.data_ptr()), values.nbytes()));
  const std::string path = write_temp("mapped.npy", bytes);
  const Dataset mapped = read_data(path, ReadOptions().memory_map(true));
  EXPECT_TRUE(is_memory_mapped(mapped.features));
  EXPECT_FALSE(is_memory_mapped(values));
  EXPECT_TRUE(torch::equal(mapped.features, values));
  EXPECT_EQ(mapped.columns, parse_npy(bytes, "same").columns);
  release_mapped_pages(mapped.features);  // pages go, values stay
  EXPECT_TRUE(torch::equal(mapped.features, values));

  const std::string images = write_temp(
      "mapped-images.npy",
      npy("<f4", "(300, 1, 7, 1)", std::string(static_cast<const char*>(values.data_ptr()), values.nbytes())));
  EXPECT_EQ(read_data(images, ReadOptions().memory_map(true)).sample_shape, (std::vector<int64_t>{1, 7, 1}));
}

TEST(Npy, MemoryMappingRefusesWhatItCannotMap) {
  const std::string doubles = write_temp("mapped-f8.npy", npy("<f8", "(2,)", raw<double>({1, 2})));
  const auto message = testing::error_of<DataError>([&] { read_data(doubles, ReadOptions().memory_map(true)); });
  EXPECT_NE(message.find("float32"), std::string::npos) << message;
  EXPECT_NE(message.find("np.save"), std::string::npos) << message;
  const std::string fortran = write_temp("mapped-fortran.npy", npy("<f4", "(2, 1)", raw<float>({1, 2}), true));
  EXPECT_THROW(read_data(fortran, ReadOptions().memory_map(true)), DataError);
  const std::string csv = write_temp("mapped.csv", "a,b\n1,2\n");
  EXPECT_THROW(read_data(csv, ReadOptions().memory_map(true)), DataError);
  const std::string floats = write_temp("mapped-cl.npy", npy("<f4", "(2, 1)", raw<float>({1, 2})));
  EXPECT_THROW(read_data(floats, ReadOptions().memory_map(true).channels_last(true)), DataError);
  EXPECT_THROW(
      read_data(write_temp("mapped-short.npy", npy("<f4", "(3,)", raw<float>({1, 2}))), ReadOptions().memory_map(true)),
      DataError);
}

TEST(Npy, AMappedFileThatShrinksIsADataErrorNotASigbus) {
  const auto values = torch::randn({4096, 4});
  const std::string path =
      write_temp("shrinks.npy",
                 npy("<f4", "(4096, 4)", std::string(static_cast<const char*>(values.data_ptr()), values.nbytes())));
  const Dataset mapped = read_data(path, ReadOptions().memory_map(true));
  EXPECT_NO_THROW(check_mapped_file(mapped.features));
  ASSERT_EQ(truncate(path.c_str(), 100), 0);
  const auto message = testing::error_of<DataError>([&] { check_mapped_file(mapped.features); });
  EXPECT_NE(message.find("shrank from"), std::string::npos) << message;
  // Training checks before it gathers each chunk of rows.
  EXPECT_THROW(train(autoencoder(input() + dense(2) + output()), mapped.features, TrainOptions().epochs(1)), DataError);
  EXPECT_NO_THROW(check_mapped_file(values));  // not mapped: nothing to check
}

TEST(Npy, TrainingOnAMappedFileEqualsTrainingInMemory) {
  set_threads(1);
  const auto values = testing::low_rank_data(2000, 6, 2);
  const std::string path =
      write_temp("mapped-train.npy",
                 npy("<f4", "(2000, 6)", std::string(static_cast<const char*>(values.data_ptr()), values.nbytes())));
  const Dataset mapped = read_data(path, ReadOptions().memory_map(true));
  // Without shuffling the batches are the same rows, so the weights must be the same.
  const auto options = TrainOptions().epochs(3).seed(4).shuffle(false).scale("zscore").validation_split(0.1);
  const Model from_file = train(autoencoder("3"), mapped.features, options);
  const Model from_memory = train(autoencoder("3"), values, options);
  EXPECT_TRUE(torch::equal(from_file.encode(values), from_memory.encode(values)));
  // Shuffled in blocks, it still learns.
  const Model shuffled = train(autoencoder("3"), mapped.features, TrainOptions().epochs(30).seed(4).optimizer("adam"));
  const auto& epochs = shuffled.history().epochs;
  EXPECT_LT(epochs.back().value("loss"), 0.5 * epochs.front().value("loss"));
}

TEST(Npy, AMappedFileWithInfIsRefusedByTraining) {
  auto values = torch::ones({10, 3});
  values[7][2] = std::numeric_limits<float>::infinity();
  const std::string path =
      write_temp("mapped-inf.npy",
                 npy("<f4", "(10, 3)", std::string(static_cast<const char*>(values.data_ptr()), values.nbytes())));
  const auto features = read_data(path, ReadOptions().memory_map(true)).features;
  const auto message = testing::error_of<DataError>([&] { train(autoencoder("2"), features); });
  EXPECT_NE(message.find("row 8, column 3"), std::string::npos) << message;
}

}  // namespace
}  // namespace hourglass
