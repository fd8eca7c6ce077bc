// Delimited text reader: header detection, quoted fields, BOM, CRLF, exact numbers.
#include <fast_float/fast_float.h>

#include <algorithm>
#include <cmath>

#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"

namespace hourglass {
namespace {

struct Row {
  std::vector<std::string> fields;
  size_t line = 0;  // 1-based line number in the file
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits the text into rows of fields; quoted fields may hold delimiters, quotes ("")
// and line breaks. Blank lines are skipped.
std::vector<Row> split_rows(std::string_view text, char delimiter, const std::string& source) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool in_quotes = false, field_started = false, row_has_content = false;
  size_t line = 1, row_line = 1, quote_line = 0;
  auto end_field = [&] {
    row.fields.push_back(field);
    field.clear();
    field_started = false;
  };
  auto end_row = [&] {
    if (row_has_content) {
      end_field();
      row.line = row_line;
      rows.push_back(std::move(row));
    }
    row = Row{};
    field.clear();
    field_started = row_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '\n' || c == '\r') {
      end_row();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row_line = ++line;
    } else if (c == delimiter) {
      row_has_content = true;
      end_field();
    } else if (c == '"' && !field_started && trim(field).empty()) {
      in_quotes = field_started = row_has_content = true;
      quote_line = line;
      field.clear();
    } else {
      field += c;
      field_started = true;
      if (c != ' ' && c != '\t') row_has_content = true;
    }
  }
  if (in_quotes) {
    throw DataError("'" + source + "': line " + std::to_string(quote_line) +
                    ": a quoted field is never closed; add the closing '\"'");
  }
  end_row();
  return rows;
}

bool parse_number(std::string_view text, float& value) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto result = fast_float::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool is_number(const std::string& text) {
  float ignored;
  return parse_number(text, ignored);
}

// A first row is a header when some field is not a number while the next row has a
// number in that column, or when none of its fields is a number.
bool looks_like_header(const std::vector<Row>& rows) {
  const auto& first = rows[0].fields;
  bool any_number = false;
  for (const auto& f : first) any_number = any_number || is_number(f);
  if (!any_number) return true;
  if (rows.size() < 2) return false;
  const auto& second = rows[1].fields;
  for (size_t c = 0; c < first.size() && c < second.size(); ++c) {
    if (!is_number(first[c]) && is_number(second[c])) return true;
  }
  return false;
}

char detect_delimiter(std::string_view text) {
  const std::string_view first_line = text.substr(0, text.find('\n'));
  const bool tabs = first_line.find('\t') != std::string_view::npos;
  const bool commas = first_line.find(',') != std::string_view::npos;
  return tabs && !commas ? '\t' : ',';
}

}  // namespace

Dataset parse_delimited(std::string_view text, const std::string& source, const ReadOptions& options) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const char delimiter = options.delimiter() ? options.delimiter() : detect_delimiter(text);
  std::vector<Row> rows = split_rows(text, delimiter, source);
  if (rows.empty()) throw DataError("'" + source + "': the file is empty; expected rows of numbers");

  const bool header = looks_like_header(rows);
  const size_t width = rows[0].fields.size();
  Dataset data;
  if (header) {
    for (const auto& f : rows[0].fields) data.columns.emplace_back(trim(f));
  } else {
    for (size_t c = 1; c <= width; ++c) data.columns.push_back("V" + std::to_string(c));
  }

  size_t label_column = width;  // none
  if (!options.label().empty()) {
    for (size_t c = 0; c < width; ++c) {
      if (data.columns[c] == options.label()) label_column = c;
    }
    if (label_column == width && !header) {
      char* end = nullptr;
      long position = std::strtol(options.label().c_str(), &end, 10);
      if (*end == '\0' && position >= 1 && static_cast<size_t>(position) <= width) {
        label_column = static_cast<size_t>(position - 1);
      }
    }
    if (label_column == width) {
      throw DataError(
          "'" + source + "': no column '" + abbreviate(options.label()) + "' to use as the label" +
          (header ? " (columns: " + abbreviate(join(data.columns), 200) + ")"
                  : " (the file has no header: give the column's number, 1 to " + std::to_string(width) + ")"));
    }
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
  const auto& na_values = options.na_values();
  const auto is_missing = [&](std::string_view cell) {
    return std::find(na_values.begin(), na_values.end(), trim(cell)) != na_values.end();
  };
  auto column_name = [&](size_t c) {
    return header ? abbreviate(trim(rows[0].fields[c])) : "V" + std::to_string(c + 1);
  };
  // One pass parses the numbers; cells of text are counted per column, and the columns
  // where they are the majority are read as categories afterwards.
  std::vector<float> values;
  values.reserve(n_rows * n_features);
  std::vector<size_t> numbers(width, 0), texts(width, 0), first_text(width, 0);
  for (size_t r = first_data_row; r < rows.size(); ++r) {
    const Row& row = rows[r];
    if (row.fields.size() != width) {
      throw DataError("'" + source + "': line " + std::to_string(row.line) + " has " +
                      std::to_string(row.fields.size()) + " fields, expected " + std::to_string(width) +
                      (header ? " as in the header" : " as in line 1"));
    }
    for (size_t c = 0; c < width; ++c) {
      if (c == label_column) {
        data.labels.emplace_back(trim(row.fields[c]));
        continue;
      }
      float value = 0;
      const std::string& cell = row.fields[c];
      if (is_missing(cell)) {  // first: a spelling of "missing" may be a number (-999)
        values.push_back(NAN);
        continue;
      }
      const bool number = parse_number(cell, value);
      if (number && std::isinf(value)) {
        throw DataError("'" + source + "': line " + std::to_string(row.line) + ", column " + std::to_string(c + 1) +
                        " ('" + column_name(c) + "'): '" + abbreviate(cell) +
                        "' is not finite; Inf is not accepted (replace it, or mark it missing with NA)");
      }
      if (number && !std::isnan(value)) {
        ++numbers[c];
      } else if (number && !na_values.empty()) {  // NaN, however it is spelled
        value = NAN;
      } else {
        if (texts[c]++ == 0) first_text[c] = r;
        value = NAN;
      }
      values.push_back(value);
    }
  }
  const auto feature_of = [&](size_t c) { return c < label_column ? c : c - 1; };
  for (size_t c = 0; c < width; ++c) {
    if (c == label_column || texts[c] == 0) continue;
    const std::string& cell = rows[first_text[c]].fields[c];
    const std::string where = "'" + source + "': line " + std::to_string(rows[first_text[c]].line) + ", column " +
                              std::to_string(c + 1) + " ('" + column_name(c) + "')";
    if (trim(cell).empty()) {
      throw DataError(where + ": empty cell; mark missing cells with NA (or list the empty cell in --na-values)");
    }
    if (texts[c] <= numbers[c]) {
      throw DataError(where + ": '" + abbreviate(cell) + "' is not a number while " + std::to_string(numbers[c]) +
                      " cells of the column are; fix the cell, add it to --na-values if it means missing, or "
                      "name the column as the label (--label) to keep it out of the features");
    }
    // A categorical column: its levels sorted, each cell the index of its level.
    std::vector<std::string> levels;
    for (size_t r = first_data_row; r < rows.size(); ++r) {
      if (!is_missing(rows[r].fields[c])) levels.emplace_back(trim(rows[r].fields[c]));
    }
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    const size_t feature = feature_of(c);
    for (size_t r = first_data_row; r < rows.size(); ++r) {
      float& value = values[(r - first_data_row) * n_features + feature];
      if (is_missing(rows[r].fields[c])) continue;
      const std::string_view level = trim(rows[r].fields[c]);
      value = static_cast<float>(std::lower_bound(levels.begin(), levels.end(), level) - levels.begin());
    }
    if (data.levels.empty()) data.levels.resize(n_features);
    data.levels[feature] = std::move(levels);
  }
  data.features =
      torch::from_blob(values.data(), {static_cast<int64_t>(n_rows), static_cast<int64_t>(n_features)}, torch::kFloat)
          .clone();
  return data;
}

}  // namespace hourglass
