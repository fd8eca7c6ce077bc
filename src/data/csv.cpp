// Delimited text reader: header detection, quoted fields, BOM, CRLF, exact numbers.
#include <fast_float/fast_float.h>

#include <algorithm>
#include <cmath>

#include "data/text_encoding.hpp"
#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"

namespace hourglass {
namespace {

// The rows of fields split_rows reads, flat: every field's characters one after another
// in one buffer, where each field ends, and where each row starts and its line. A string
// per field in a vector per row cost about 100 bytes per field besides the text (a 95 MB
// one-column upload took the web server past 6 GB); this costs 8 per field, 16 per row.
class Rows {
 public:
  size_t size() const { return lines_.size(); }
  size_t width(size_t r) const { return first_[r + 1] - first_[r]; }
  /// 1-based line number in the file.
  size_t line(size_t r) const { return lines_[r]; }
  std::string_view field(size_t r, size_t c) const {
    const size_t f = first_[r] + c;
    const size_t begin = f == 0 ? 0 : ends_[f - 1];
    return std::string_view(text_).substr(begin, ends_[f] - begin);
  }

  // Building, a character at a time.
  void add(char c) { text_ += c; }
  /// The characters of the field under way.
  std::string_view field_so_far() const { return std::string_view(text_).substr(field_start_); }
  void clear_field() { text_.resize(field_start_); }
  void end_field() {
    ends_.push_back(text_.size());
    field_start_ = text_.size();
  }
  /// Ends the row under way as row `line` of the file, or drops it (a blank line).
  void end_row(bool keep, size_t line) {
    if (keep) {
      end_field();
      lines_.push_back(line);
      first_.push_back(ends_.size());
    } else {
      ends_.resize(first_.back());
      text_.resize(first_.back() == 0 ? 0 : ends_.back());
    }
    field_start_ = text_.size();
  }

 private:
  std::string text_;
  std::vector<size_t> ends_;      // one past each field's last character in text_
  std::vector<size_t> first_{0};  // each row's first field in ends_, then one past the last
  std::vector<size_t> lines_;
  size_t field_start_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits the text into rows of fields; quoted fields may hold delimiters, quotes ("")
// and line breaks. Blank lines are skipped.
Rows split_rows(std::string_view text, char delimiter, const std::string& source) {
  Rows rows;
  bool in_quotes = false, field_started = false, row_has_content = false;
  size_t line = 1, quote_line = 0, row_line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.add('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        rows.add(c);
      }
    } else if (c == '\n' || c == '\r') {
      rows.end_row(row_has_content, row_line);
      field_started = row_has_content = false;
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row_line = ++line;
    } else if (c == delimiter) {
      row_has_content = true;
      rows.end_field();
      field_started = false;
    } else if (c == '"' && !field_started && trim(rows.field_so_far()).empty()) {
      in_quotes = field_started = row_has_content = true;
      quote_line = line;
      rows.clear_field();
    } else {
      rows.add(c);
      field_started = true;
      if (c != ' ' && c != '\t') row_has_content = true;
    }
  }
  if (in_quotes) {
    throw DataError("'" + source + "': line " + std::to_string(quote_line) +
                    ": a quoted field is never closed; add the closing '\"'");
  }
  rows.end_row(row_has_content, row_line);
  return rows;
}

bool parse_number(std::string_view text, float& value) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto result = fast_float::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool is_number(std::string_view text) {
  float ignored;
  return parse_number(text, ignored);
}

// A first row is a header when some field is not a number while the next row has a
// number in that column, or when none of its fields is a number.
bool looks_like_header(const Rows& rows) {
  bool any_number = false;
  for (size_t c = 0; c < rows.width(0); ++c) any_number = any_number || is_number(rows.field(0, c));
  if (!any_number) return true;
  if (rows.size() < 2) return false;
  for (size_t c = 0; c < rows.width(0) && c < rows.width(1); ++c) {
    if (!is_number(rows.field(0, c)) && is_number(rows.field(1, c))) return true;
  }
  return false;
}

char detect_delimiter(std::string_view text) {
  const std::string_view first_line = text.substr(0, text.find('\n'));
  const bool tabs = first_line.find('\t') != std::string_view::npos;
  const bool commas = first_line.find(',') != std::string_view::npos;
  return tabs && !commas ? '\t' : ',';
}

// The position of the label column among the file's width columns: the one the label
// names or, in a file without a header, the one at its 1-based position.
size_t label_column_of(const std::vector<std::string>& columns, const std::string& label, bool header, size_t width,
                       const std::string& source) {
  size_t label_column = width;  // none
  for (size_t c = 0; c < width; ++c) {
    if (columns[c] == label) label_column = c;
  }
  if (label_column == width && !header) {
    char* end = nullptr;
    long position = std::strtol(label.c_str(), &end, 10);
    if (*end == '\0' && position >= 1 && static_cast<size_t>(position) <= width) {
      label_column = static_cast<size_t>(position - 1);
    }
  }
  if (label_column == width) {
    throw DataError("'" + source + "': no column '" + abbreviate(label) + "' to use as the label" +
                    (header
                         ? " (columns: " + abbreviate(join(columns), 200) + ")"
                         : " (the file has no header: give the column's number, 1 to " + std::to_string(width) + ")"));
  }
  return label_column;
}

// The rows of a file as their cells are read: where the data rows start, which column is
// the label (width for none), and which cells mean "missing".
struct Cells {
  const Rows& rows;
  const std::string& source;
  bool header;
  size_t width, label_column, first_data_row, n_features;
  const std::vector<std::string>& na_values;

  bool is_missing(std::string_view cell) const {
    return std::find(na_values.begin(), na_values.end(), trim(cell)) != na_values.end();
  }
  std::string column_name(size_t c) const {
    return header ? abbreviate(trim(rows.field(0, c))) : "V" + std::to_string(c + 1);
  }
};

// Per column: its cells of numbers, its cells of text and the first row with text.
struct ColumnCounts {
  explicit ColumnCounts(size_t width) : numbers(width, 0), texts(width, 0), first_text(width, 0) {}
  std::vector<size_t> numbers, texts, first_text;
};

// One pass over the data rows: the labels go to data, each feature cell's number to the
// values returned (NaN for a missing cell or text), and the cells are counted.
std::vector<float> read_numbers(const Cells& cells, Dataset& data, ColumnCounts& counts) {
  const auto& rows = cells.rows;
  const auto& source = cells.source;
  std::vector<float> values;
  values.reserve((rows.size() - cells.first_data_row) * cells.n_features);
  for (size_t r = cells.first_data_row; r < rows.size(); ++r) {
    if (rows.width(r) != cells.width) {
      throw DataError("'" + source + "': line " + std::to_string(rows.line(r)) + " has " +
                      std::to_string(rows.width(r)) + " fields, expected " + std::to_string(cells.width) +
                      (cells.header ? " as in the header" : " as in line 1"));
    }
    for (size_t c = 0; c < cells.width; ++c) {
      if (c == cells.label_column) {
        data.labels.emplace_back(trim(rows.field(r, c)));
        continue;
      }
      float value = 0;
      const std::string_view cell = rows.field(r, c);
      if (cells.is_missing(cell)) {  // first: a spelling of "missing" may be a number (-999)
        values.push_back(NAN);
        continue;
      }
      const bool number = parse_number(cell, value);
      if (number && std::isinf(value)) {
        throw DataError("'" + source + "': line " + std::to_string(rows.line(r)) + ", column " + std::to_string(c + 1) +
                        " ('" + cells.column_name(c) + "'): '" + abbreviate(cell) +
                        "' is not finite; Inf is not accepted (replace it, or mark it missing with NA)");
      }
      if (number && !std::isnan(value)) {
        ++counts.numbers[c];
      } else if (number && !cells.na_values.empty()) {  // NaN, however it is spelled
        value = NAN;
      } else {
        if (counts.texts[c]++ == 0) counts.first_text[c] = r;
        value = NAN;
      }
      values.push_back(value);
    }
  }
  return values;
}

// The columns where cells of text are the majority become categories: their levels go to
// data and each cell's value is the index of its level. A cell of text elsewhere is an error.
void read_categories(const Cells& cells, const ColumnCounts& counts, std::vector<float>& values, Dataset& data) {
  const auto& rows = cells.rows;
  const auto feature_of = [&](size_t c) { return c < cells.label_column ? c : c - 1; };
  for (size_t c = 0; c < cells.width; ++c) {
    if (c == cells.label_column || counts.texts[c] == 0) continue;
    const std::string_view cell = rows.field(counts.first_text[c], c);
    const std::string where = "'" + cells.source + "': line " + std::to_string(rows.line(counts.first_text[c])) +
                              ", column " + std::to_string(c + 1) + " ('" + cells.column_name(c) + "')";
    if (trim(cell).empty()) {
      throw DataError(where +
                      ": empty cell; mark missing cells with NA, or count empty cells as missing with an empty "
                      "item in --na-values, e.g. --na-values ',NA'");
    }
    if (counts.texts[c] <= counts.numbers[c]) {
      throw DataError(where + ": '" + abbreviate(cell) + "' is not a number while " +
                      std::to_string(counts.numbers[c]) +
                      " cells of the column are; fix the cell, add it to --na-values if it means missing, or "
                      "name the column as the label (--label) to keep it out of the features");
    }
    // A categorical column: its levels sorted, each cell the index of its level.
    std::vector<std::string> levels;
    for (size_t r = cells.first_data_row; r < rows.size(); ++r) {
      if (!cells.is_missing(rows.field(r, c))) levels.emplace_back(trim(rows.field(r, c)));
    }
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    const size_t feature = feature_of(c);
    for (size_t r = cells.first_data_row; r < rows.size(); ++r) {
      float& value = values[(r - cells.first_data_row) * cells.n_features + feature];
      if (cells.is_missing(rows.field(r, c))) continue;
      const std::string_view level = trim(rows.field(r, c));
      value = static_cast<float>(std::lower_bound(levels.begin(), levels.end(), level) - levels.begin());
    }
    if (data.levels.empty()) data.levels.resize(cells.n_features);
    data.levels[feature] = std::move(levels);
  }
}

}  // namespace

Dataset parse_delimited(std::string_view text, const std::string& source, const ReadOptions& options) {
  std::string converted;  // the text as UTF-8, where it was not
  const bool utf16 = text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF";  // its byte order mark
  if (utf16 || !is_utf8_name(options.encoding())) {
    converted = to_utf8(text, utf16 ? "UTF-16" : options.encoding(), source);
    text = converted;
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (converted.empty()) check_utf8(text, source);
  const char delimiter = options.delimiter() ? options.delimiter() : detect_delimiter(text);
  const Rows rows = split_rows(text, delimiter, source);
  if (rows.size() == 0) throw DataError("'" + source + "': the file is empty; expected rows of numbers");

  const bool header = looks_like_header(rows);
  const size_t width = rows.width(0);
  Dataset data;
  if (header) {
    for (size_t c = 0; c < width; ++c) data.columns.emplace_back(trim(rows.field(0, c)));
  } else {
    for (size_t c = 1; c <= width; ++c) data.columns.push_back("V" + std::to_string(c));
  }

  size_t label_column = width;  // none
  const bool remembered =
      options.label().empty() && header && !options.label_if_present().empty() &&
      std::find(data.columns.begin(), data.columns.end(), options.label_if_present()) != data.columns.end();
  if (remembered) {
    label_column = label_column_of(data.columns, options.label_if_present(), header, width, source);
    data.label_name = data.columns[label_column];
    data.columns.erase(data.columns.begin() + static_cast<std::ptrdiff_t>(label_column));
  } else if (!options.label().empty()) {
    label_column = label_column_of(data.columns, options.label(), header, width, source);
    data.label_name = data.columns[label_column];
    data.columns.erase(data.columns.begin() + label_column);
  }

  const size_t first_data_row = header ? 1 : 0;
  const size_t n_rows = rows.size() - first_data_row;
  if (n_rows == 0) {
    throw DataError("'" + source + "': the file has a header but no data rows");
  }
  const size_t n_features = data.columns.size();
  if (n_features == 0) {
    throw DataError("'" + source + "': no feature columns left besides the label");
  }
  const Cells cells{rows, source, header, width, label_column, first_data_row, n_features, options.na_values()};
  // One pass parses the numbers; cells of text are counted per column, and the columns
  // where they are the majority are read as categories afterwards.
  ColumnCounts counts(width);
  std::vector<float> values = read_numbers(cells, data, counts);
  read_categories(cells, counts, values, data);
  data.features =
      torch::from_blob(values.data(), {static_cast<int64_t>(n_rows), static_cast<int64_t>(n_features)}, torch::kFloat)
          .clone();
  return data;
}

}  // namespace hourglass
