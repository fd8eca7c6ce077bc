// Data sets: a float32 tensor of rows x features, the feature names, and an optional
// label column kept out of the features (species, digit class) for the outputs.
//
//   Dataset iris = read_data("iris.csv", ReadOptions().label("Species"));
//   iris.features.sizes();   // [150, 4]
//   write_csv("codes.csv", codes, numbered_columns("code", 2), iris.label_name, iris.labels);
//
// Readers: delimited text (.csv, .tsv; header detected; UTF-8 BOM, CRLF and quoted
// fields accepted), NumPy .npy (any integer or float dtype, C or Fortran order) and IDX
// (MNIST's *-idx3-ubyte, plain or .gz; 8-bit values scaled to [0, 1]). Images are
// channels first: MNIST is 60000 samples of shape 1 x 28 x 28 (Dataset::samples()),
// stored flat as 60000 x 784 features.
// Tables as they are: a column of text is categorical (its cells hold the index of their
// level, the levels sorted as R's factor() sorts them) and a missing cell ("", NA, NaN
// or ?) is NaN; a model's TableCoding (data/table_coding.hpp) takes both.
//
//   Dataset cancer = read_data("breast_cancer.csv", ReadOptions().label("Class"));
//   cancer.levels[1];   // {"1", "10", "2", ...} when Cl.thickness was read as text
//
// Every problem is a DataError naming the file, the line and the column.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace hourglass {

struct Dataset {
  at::Tensor features;               ///< rows x columns, float32
  std::vector<std::string> columns;  ///< feature names ("V1".."Vn" without a header)
  std::string label_name;            ///< empty without a label column
  std::vector<std::string> labels;   ///< one per row when label_name is set
  /// The shape of one row before it was flattened, channels first ({1, 28, 28} for
  /// MNIST, {C, H, W} for an N x C x H x W .npy); empty for tabular data.
  std::vector<int64_t> sample_shape;
  /// Per column, the levels of a categorical column (empty for a numeric one); empty
  /// when every column is numeric. A categorical cell holds its level's index as a float.
  std::vector<std::vector<std::string>> levels;

  /// Whether some column is categorical.
  bool has_categories() const;

  int64_t rows() const { return features.defined() ? features.size(0) : 0; }
  int64_t cols() const { return features.defined() ? features.size(1) : 0; }
  /// The features in their own shape: rows x sample_shape (a view), or rows x columns
  /// for tabular data. This is what train() and the model take.
  at::Tensor samples() const;
  /// `count` rows from row `first` (0-based; fewer at the end of the data), labels too;
  /// a view of the features. Throws DataError, naming `source`, when `first` is past the end.
  Dataset take_rows(int64_t first, int64_t count, const std::string& source = "the data") const;
};

struct ReadOptions {
  /// Column kept out of the features and carried as labels: its header name, or its
  /// 1-based position when the file has no header. For IDX images: the IDX label file.
  TORCH_ARG(std::string, label) = "";
  /// A header's column taken as the label when `label` is empty and the file has a
  /// column of this name (a model's Model::label_name(): the command line leaves the
  /// column a model was trained without out of the features, as --label would).
  TORCH_ARG(std::string, label_if_present) = "";
  /// Field separator; 0 picks tab for .tsv/.tab files or a first line with tabs and no
  /// commas, comma otherwise.
  TORCH_ARG(char, delimiter) = 0;
  /// .npy arrays of rank 3 or 4 stored channels last (N x H x W x C, as Keras and
  /// NumPy image code often have them); they are transposed to channels first.
  TORCH_ARG(bool, channels_last) = false;
  /// .npy only: map the file instead of reading it into memory, for data larger than
  /// memory. The values must be float32 in C order; the features are then a read-only
  /// view of the file (clone() before changing them in place), and train() streams
  /// through it with bounded resident memory.
  TORCH_ARG(bool, memory_map) = false;
  /// Only the rows from `first_row` (0-based), `row_count` of them (-1: to the end):
  /// an MNIST subset without a copy of the file.
  TORCH_ARG(int64_t, first_row) = 0;
  TORCH_ARG(int64_t, row_count) = -1;
  /// CSV/TSV cells that mean "missing" (read as NaN); the defaults are R's and
  /// ADBench's spellings. Give an empty list to refuse missing cells.
  TORCH_ARG(std::vector<std::string>, na_values) = std::vector<std::string>{"", "NA", "NaN", "?"};
  /// CSV/TSV: the text's encoding, any name iconv knows (latin1, cp1252, shift_jis,
  /// ...); column names and categories are kept as UTF-8. A file that starts with
  /// UTF-16's byte order mark is read as UTF-16 whatever this says; text that is not
  /// valid in its encoding is refused with its line.
  TORCH_ARG(std::string, encoding) = "UTF-8";
};

/// Reads .npy and IDX (names ending in "ubyte" or ".idx", optionally ".gz") by
/// extension, delimited text otherwise.
Dataset read_data(const std::string& path, const ReadOptions& options = {});

/// Parses delimited text; `source` names it in errors.
Dataset parse_delimited(std::string_view text, const std::string& source, const ReadOptions& options = {});

/// Parses the bytes of a .npy file; `source` names it in errors. Arrays of rank 3 and
/// 4 are samples of shape C x L and C x H x W (or L x C, H x W x C with `channels_last`).
Dataset parse_npy(std::string_view bytes, const std::string& source, bool channels_last = false);

/// Maps a float32, C-order .npy file (ReadOptions::memory_map).
Dataset map_npy(const std::string& path);

/// Parses the bytes of an IDX file, plain or gzip-compressed.
Dataset parse_idx(std::string_view bytes, const std::string& source);
/// Reads IDX images and, when `labels_path` is given, their IDX labels.
Dataset read_idx(const std::string& path, const std::string& labels_path = "");

/// Rows x values viewed as rows x `sample_shape` (channels first); no copy.
at::Tensor as_samples(const at::Tensor& rows, const std::vector<int64_t>& sample_shape);

/// Throws DataError naming the first row and column that holds NaN or Inf.
void check_finite(const at::Tensor& values, const std::string& source);
/// The same for Inf only: NaN is a missing cell, which models take.
void check_no_infinity(const at::Tensor& values, const std::string& source);
/// Throws DataError naming the first categorical column when `data` has one: for the
/// readers of numbers only (`what`: "pca", "windows", ...).
void check_numeric(const Dataset& data, const std::string& what);

/// {"code_1", ..., "code_n"}.
std::vector<std::string> numbered_columns(const std::string& prefix, int64_t n);

/// CSV with a header; the label column, when given, comes last. Values are printed
/// with enough digits to read back the same float.
void write_csv(std::ostream& out, const at::Tensor& values, const std::vector<std::string>& header,
               const std::string& label_name = "", const std::vector<std::string>& labels = {});
/// The same to a file, written atomically.
void write_csv(const std::string& path, const at::Tensor& values, const std::vector<std::string>& header,
               const std::string& label_name = "", const std::vector<std::string>& labels = {});
/// A data set as a table: categorical cells as their level names, missing cells as NA
/// (what read_data reads back as the same table).
void write_csv(std::ostream& out, const Dataset& data);
void write_csv(const std::string& path, const Dataset& data);

}  // namespace hourglass
