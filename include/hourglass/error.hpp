// The one error hierarchy of Hourglass.
//
// Every error caused by user input derives from hourglass::Error and its what() is a
// single line saying what was expected, what was received and how to fix it. The
// library never exits or aborts on user input; the CLI maps these to exit status 2.
//
//   try { auto data = hourglass::read_data("x.csv"); }
//   catch (const hourglass::DataError& e) { std::cerr << e.what() << '\n'; }
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hourglass {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A parameter out of range or a name that is not known.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// A network spec string that does not parse.
class ParseError : public Error {
 public:
  using Error::Error;
};

/// An input data file that cannot be read or holds unusable values.
class DataError : public Error {
 public:
  using Error::Error;
};

/// A model file that is missing, truncated, corrupted or of another format version.
class ModelFileError : public Error {
 public:
  using Error::Error;
};

/// Training that cannot go on (for example a loss that became NaN).
class TrainingError : public Error {
 public:
  using Error::Error;
};

/// "unknown loss 'foo' (valid: mse, mae, bce)": the message every registry gives.
InvalidArgument unknown_name(std::string_view kind, std::string_view name, const std::vector<std::string>& valid);

/// The shortest text that reads back as the same double ("0.1", "2e-04" -> "0.0002").
std::string format_number(double value);

/// A sample's or tensor's shape as messages write it: "1x28x28".
std::string shape_to_string(const std::vector<int64_t>& shape);

/// User content quoted in a message, cut to `max` characters ("abc... (523 characters)"):
/// a message stays one short line whatever the input holds.
std::string abbreviate(std::string_view text, size_t max = 80);

/// "1.5 GB", "320 MB", "12 KB": a size for messages.
std::string format_bytes(uint64_t bytes);

/// Joins names with ", " for messages.
std::string join(const std::vector<std::string>& names, std::string_view separator = ", ");

}  // namespace hourglass
