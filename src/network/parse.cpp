#include "hourglass/network/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

struct Token {
  enum Kind { identifier, number, string, symbol, end } kind;
  std::string text;
  size_t column;  // 1-based
};

class Parser {
 public:
  explicit Parser(const std::string& spec) : spec_(spec) { tokenize(); }

  Network parse() {
    Network network;
    do {
      network = network + parse_layer();
    } while (accept("+"));
    if (peek().kind != Token::end) fail(peek(), "expected '+' or the end of the spec");
    return network;
  }

 private:
  struct Arguments {
    std::vector<Token> positional;
    std::map<std::string, Token> named;
  };

  [[noreturn]] void fail(const Token& at, const std::string& what) const {
    std::string shown = at.kind == Token::end ? "end of spec" : "'" + at.text + "'";
    throw ParseError("invalid network spec \"" + spec_ + "\": at column " +
                     std::to_string(at.column) + " (" + shown + "): " + what);
  }

  void tokenize() {
    size_t i = 0;
    while (i < spec_.size()) {
      const char c = spec_[i];
      const size_t column = i + 1;
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < spec_.size() &&
               (std::isalnum(static_cast<unsigned char>(spec_[j])) || spec_[j] == '_')) {
          ++j;
        }
        tokens_.push_back({Token::identifier, spec_.substr(i, j - i), column});
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-') {
        size_t j = i + 1;
        while (j < spec_.size() && (std::isalnum(static_cast<unsigned char>(spec_[j])) ||
                                    spec_[j] == '.' || spec_[j] == '-' || spec_[j] == '+')) {
          if ((spec_[j] == '-' || spec_[j] == '+') && std::tolower(spec_[j - 1]) != 'e') break;
          ++j;
        }
        tokens_.push_back({Token::number, spec_.substr(i, j - i), column});
        i = j;
      } else if (c == '"' || c == '\'') {
        size_t j = spec_.find(c, i + 1);
        if (j == std::string::npos) fail({Token::symbol, std::string(1, c), column}, "unclosed quote");
        tokens_.push_back({Token::string, spec_.substr(i + 1, j - i - 1), column});
        i = j + 1;
      } else if (c == '(' || c == ')' || c == ',' || c == '+' || c == '=') {
        tokens_.push_back({Token::symbol, std::string(1, c), column});
        ++i;
      } else {
        fail({Token::symbol, std::string(1, c), column}, "unexpected character");
      }
    }
    tokens_.push_back({Token::end, "", spec_.size() + 1});
  }

  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool accept(const std::string& symbol) {
    if (peek().kind == Token::symbol && peek().text == symbol) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(const std::string& symbol, const std::string& context) {
    if (!accept(symbol)) fail(peek(), "expected '" + symbol + "' " + context);
  }

  Arguments parse_arguments(const std::string& layer) {
    Arguments args;
    expect("(", "after '" + layer + "'");
    if (accept(")")) return args;
    do {
      Token first = next();
      if (first.kind == Token::end || first.kind == Token::symbol) {
        fail(first, "expected an argument of " + layer + "()");
      }
      if (first.kind == Token::identifier && accept("=")) {
        Token value = next();
        if (value.kind == Token::end || value.kind == Token::symbol) {
          fail(value, "expected a value for '" + first.text + "'");
        }
        if (!args.named.emplace(first.text, value).second) {
          fail(first, "argument given twice");
        }
      } else {
        if (!args.named.empty()) fail(first, "positional argument after a named one");
        args.positional.push_back(first);
      }
    } while (accept(","));
    expect(")", "to close " + layer + "(");
    return args;
  }

  // Binds positional and named arguments to the layer's parameters, in order.
  std::map<std::string, Token> bind(const Token& layer, const Arguments& args,
                                    const std::vector<std::string>& params) {
    if (args.positional.size() > params.size()) {
      fail(args.positional[params.size()],
           layer.text + "() takes at most " + std::to_string(params.size()) +
               " argument(s): " + (params.empty() ? "none" : join(params)));
    }
    std::map<std::string, Token> bound;
    for (size_t i = 0; i < args.positional.size(); ++i) bound.emplace(params[i], args.positional[i]);
    for (const auto& [name, value] : args.named) {
      if (std::find(params.begin(), params.end(), name) == params.end()) {
        fail(value, "unknown argument '" + name + "' of " + layer.text + "() (valid: " +
                        (params.empty() ? "none" : join(params)) + ")");
      }
      if (!bound.emplace(name, value).second) fail(value, "argument '" + name + "' given twice");
    }
    return bound;
  }

  double number(const Token& token, const std::string& what) {
    char* end = nullptr;
    double value = std::strtod(token.text.c_str(), &end);
    if (token.kind != Token::number || end != token.text.c_str() + token.text.size()) {
      fail(token, "expected a number for " + what);
    }
    return value;
  }

  int64_t integer(const Token& token, const std::string& what) {
    double value = number(token, what);
    // The range first: casting a double beyond int64 (1e40) is undefined (fuzz_spec found it).
    if (!(value >= 1 && value <= 1e9) || value != std::floor(value)) {
      fail(token, "expected a positive integer for " + what);
    }
    return static_cast<int64_t>(value);
  }

  std::string name(const Token& token, const std::string& what) {
    if (token.kind != Token::identifier && token.kind != Token::string) {
      fail(token, "expected a name for " + what);
    }
    return token.text;
  }

  Layer parse_layer() {
    const Token head = next();
    if (head.kind != Token::identifier) fail(head, "expected a layer such as dense(16)");
    const Arguments args = parse_arguments(head.text);
    const std::string& type = head.text;
    try {
      if (type == "input") {
        bind(head, args, {});
        return input();
      }
      if (type == "dense") {
        auto a = bind(head, args, {"units", "activation"});
        if (!a.count("units")) fail(head, "dense() needs units, e.g. dense(16) or dense(16, relu)");
        return dense(integer(a.at("units"), "units"),
                     a.count("activation") ? name(a.at("activation"), "activation") : "linear");
      }
      if (type == "output") {
        auto a = bind(head, args, {"activation"});
        return output(a.count("activation") ? name(a.at("activation"), "activation") : "linear");
      }
      if (type == "dropout") {
        auto a = bind(head, args, {"rate"});
        return dropout(a.count("rate") ? number(a.at("rate"), "rate") : 0.5);
      }
      if (type == "batch_norm") {
        bind(head, args, {});
        return batch_norm();
      }
      if (type == "variational" || type == "variational_block") {  // the second is ruta's name
        auto a = bind(head, args, {"units", "epsilon_std"});
        if (!a.count("units")) fail(head, "variational() needs units, e.g. variational(10)");
        return variational(integer(a.at("units"), "units"),
                           a.count("epsilon_std") ? number(a.at("epsilon_std"), "epsilon_std") : 1.0);
      }
      if (type == "conv" || type == "conv_transpose") return parse_conv(head, args);
      if (type == "flatten") {
        bind(head, args, {});
        return flatten();
      }
      if (type == "reshape") {
        if (!args.named.empty()) fail(args.named.begin()->second, "reshape() takes sizes only, e.g. reshape(8, 4, 4)");
        Shape dims;
        for (const auto& token : args.positional) dims.push_back(integer(token, "a size"));
        return reshape(dims);
      }
    } catch (const InvalidArgument& e) {
      fail(head, e.what());
    }
    fail(head,
         "unknown layer (valid: input, dense, output, dropout, batch_norm, variational, conv, conv_transpose, "
         "flatten, reshape)");
  }

  // ruta's order: conv(filters, kernel_size, padding, max_pooling, average_pooling,
  // upsampling, activation, strides). When the third argument is an activation, it is
  // taken as one, so that conv(16, 3, relu, max_pooling = 2) reads as meant.
  Layer parse_conv(const Token& head, const Arguments& args) {
    const auto& activations = activation_names();
    const bool activation_third =
        args.positional.size() >= 3 &&
        std::find(activations.begin(), activations.end(), args.positional[2].text) != activations.end();
    const std::vector<std::string> ruta_order = {"filters",         "kernel_size", "padding",    "max_pooling",
                                                 "average_pooling", "upsampling",  "activation", "strides"};
    const std::vector<std::string> activation_order = {"filters",     "kernel_size",     "activation", "padding",
                                                       "max_pooling", "average_pooling", "upsampling", "strides"};
    auto a = bind(head, args, activation_third ? activation_order : ruta_order);
    if (!a.count("filters") || !a.count("kernel_size")) {
      fail(head, head.text + "() needs filters and kernel_size, e.g. " + head.text + "(16, 3, relu)");
    }
    ConvOptions options;
    const std::string activation = a.count("activation") ? name(a.at("activation"), "activation") : "linear";
    if (a.count("padding")) options.padding(name(a.at("padding"), "padding"));
    if (a.count("strides")) options.strides(integer(a.at("strides"), "strides"));
    if (a.count("max_pooling") + a.count("average_pooling") + a.count("upsampling") > 1) {
      fail(head, "choose one of max_pooling, average_pooling and upsampling per layer");
    }
    if (a.count("max_pooling")) options.max_pooling(integer(a.at("max_pooling"), "max_pooling"));
    if (a.count("average_pooling")) options.average_pooling(integer(a.at("average_pooling"), "average_pooling"));
    if (a.count("upsampling")) options.upsampling(integer(a.at("upsampling"), "upsampling"));
    const int64_t filters = integer(a.at("filters"), "filters"), kernel = integer(a.at("kernel_size"), "kernel_size");
    return head.text == "conv" ? conv(filters, kernel, activation, options)
                               : conv_transpose(filters, kernel, activation, options);
  }

  const std::string& spec_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// "64,16", "64,16:tanh" or "64,16:tanh:sigmoid"; nullopt when the spec is not of this form.
std::optional<Network> parse_sizes(const std::string& spec) {
  auto first_non_space = spec.find_first_not_of(" \t");
  if (first_non_space == std::string::npos ||
      !std::isdigit(static_cast<unsigned char>(spec[first_non_space]))) {
    return std::nullopt;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t colon; (colon = spec.find(':', start)) != std::string::npos; start = colon + 1) {
    parts.push_back(spec.substr(start, colon - start));
  }
  parts.push_back(spec.substr(start));
  if (parts.size() > 3) {
    throw ParseError("invalid network spec \"" + spec +
                     "\": expected SIZES[:ACTIVATION[:OUTPUT_ACTIVATION]], e.g. 64,16:tanh");
  }
  std::vector<int64_t> sizes;
  size_t begin = 0;
  const std::string& list = parts[0];
  while (begin <= list.size()) {
    size_t comma = std::min(list.find(',', begin), list.size());
    std::string item = list.substr(begin, comma - begin);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    char* end = nullptr;
    long long units = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || units < 1 || units > 1000000000) {
      throw ParseError("invalid network spec \"" + spec + "\": at column " +
                       std::to_string(begin + 1) + ": expected a positive layer size, got '" +
                       item + "'");
    }
    sizes.push_back(units);
    begin = comma + 1;
  }
  auto trimmed = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  try {
    return Network::from_sizes(sizes, parts.size() > 1 ? trimmed(parts[1]) : "linear",
                               parts.size() > 2 ? trimmed(parts[2]) : "linear");
  } catch (const InvalidArgument& e) {
    throw ParseError("invalid network spec \"" + spec + "\": " + e.what());
  }
}

}  // namespace

Network parse_network(const std::string& spec) {
  if (auto sized = parse_sizes(spec)) return *sized;
  return Parser(spec).parse();
}

}  // namespace hourglass
