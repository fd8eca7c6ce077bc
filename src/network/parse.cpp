#include "hourglass/network/parse.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>

#include "hourglass/error.hpp"
#include "hourglass/network/layer_kind.hpp"

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
    std::vector<Layer> layers;
    do {
      if (layers.size() == kMaxLayers) {
        fail(peek(), "a network has at most " + std::to_string(kMaxLayers) + " layers");
      }
      layers.push_back(parse_layer());
    } while (accept("+"));
    if (peek().kind != Token::end) fail(peek(), "expected '+' or the end of the spec");
    return Network(std::move(layers));
  }

 private:
  struct RawArguments {
    std::vector<Token> positional;
    std::map<std::string, Token> named;
  };

  [[noreturn]] void fail(const Token& at, const std::string& what) const {
    std::string shown = at.kind == Token::end ? "end of spec" : "'" + abbreviate(at.text, 40) + "'";
    throw ParseError("invalid network spec \"" + abbreviate(spec_, 120) + "\": at column " + std::to_string(at.column) +
                     " (" + shown + "): " + what);
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
        while (j < spec_.size() && (std::isalnum(static_cast<unsigned char>(spec_[j])) || spec_[j] == '_')) {
          ++j;
        }
        tokens_.push_back({Token::identifier, spec_.substr(i, j - i), column});
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-') {
        size_t j = i + 1;
        while (j < spec_.size() && (std::isalnum(static_cast<unsigned char>(spec_[j])) || spec_[j] == '.' ||
                                    spec_[j] == '-' || spec_[j] == '+')) {
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

  RawArguments parse_arguments(const std::string& layer) {
    RawArguments args;
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

  double number(const Token& token, const std::string& what) {
    char* end = nullptr;
    const double value = std::strtod(token.text.c_str(), &end);
    if (token.kind != Token::number || end != token.text.c_str() + token.text.size()) {
      fail(token, "expected a number for " + what);
    }
    return value;
  }

  // The token as the value the parameter takes; the parameter's own check (range,
  // choices) comes after, when the layer is made.
  ArgumentValue value_of(const Token& token, const Parameter& parameter) {
    const std::string what = "'" + parameter.name() + "' (" + parameter.describe() + ")";
    switch (parameter.type()) {
      case ArgumentType::integer: {
        const double value = number(token, what);
        // The range first: casting a double beyond int64 (1e40) is undefined (fuzz_spec found it).
        if (!(std::abs(value) <= 1e9) || value != std::floor(value)) fail(token, "expected an integer for " + what);
        return static_cast<int64_t>(value);
      }
      case ArgumentType::number:
        return number(token, what);
      case ArgumentType::flag: {
        static const std::vector<std::string> truths = {"TRUE", "true", "True", "T", "1"};
        static const std::vector<std::string> falsehoods = {"FALSE", "false", "False", "F", "0"};
        if (std::find(truths.begin(), truths.end(), token.text) != truths.end()) return true;
        if (std::find(falsehoods.begin(), falsehoods.end(), token.text) != falsehoods.end()) return false;
        fail(token, "expected TRUE or FALSE for " + what);
      }
      case ArgumentType::name:
        if (token.kind != Token::identifier && token.kind != Token::string) fail(token, "expected a name for " + what);
        if (token.text == "NULL") return std::monostate{};
        return token.text;
      case ArgumentType::sizes:
        break;
    }
    fail(token, "unexpected argument for " + what);
  }

  // Binds the argument `name` of a layer of `kind` (the head's) to the token's value.
  void bind(const Token& head, const LayerKind& kind, Arguments& bound, const std::string& name, const Token& token) {
    const Parameter* parameter = kind.parameter(name);
    if (!parameter) {
      std::vector<std::string> valid;
      for (const auto& p : kind.parameters()) valid.push_back(p.name());
      fail(token, "unknown argument '" + name + "' of " + head.text +
                      "() (valid: " + (valid.empty() ? "none" : join(valid)) + ")");
    }
    for (const auto& item : bound) {
      if (item.first == name) fail(token, "argument '" + name + "' given twice");
    }
    bound.emplace_back(name, value_of(token, *parameter));
  }

  // Sizes take the rest of the positional arguments, from the i-th: reshape(8, 4, 4).
  Shape sizes_from(const std::vector<Token>& positional, size_t& i) {
    Shape sizes;
    for (; i < positional.size(); ++i) {
      const double value = number(positional[i], "a size");
      if (!(value >= 1 && value <= 1e9) || value != std::floor(value)) {
        fail(positional[i], "expected a positive integer for a size");
      }
      sizes.push_back(static_cast<int64_t>(value));
    }
    return sizes;
  }

  // Refuses a layer without each required argument of its kind.
  void check_required(const Token& head, const LayerKind& kind, const Arguments& bound) {
    for (const auto& parameter : kind.parameters()) {
      const bool given =
          std::any_of(bound.begin(), bound.end(), [&](const auto& b) { return b.first == parameter.name(); });
      if (parameter.required() && !given) {
        fail(head,
             head.text + "() needs " + parameter.name() + " (" + parameter.describe() + "), e.g. " + example_of(kind));
      }
    }
  }

  Layer parse_layer() {
    const Token head = next();
    if (head.kind != Token::identifier) fail(head, "expected a layer such as dense(16)");
    const RawArguments args = parse_arguments(head.text);
    const LayerKind* kind = nullptr;
    try {
      kind = &layer_kind(head.text);
    } catch (const InvalidArgument&) {
      fail(head, "unknown layer (valid: " + join(layer_kind_names()) + ")");
    }
    std::vector<std::string> texts;
    for (const auto& token : args.positional) texts.push_back(token.text);
    const auto order = kind->positional_order(texts);
    Arguments bound;
    size_t position = 0;
    for (size_t i = 0; i < args.positional.size(); ++i) {
      const Token& token = args.positional[i];
      if (position >= order.size()) {
        fail(token, head.text + "() takes at most " + std::to_string(order.size()) +
                        " argument(s): " + (order.empty() ? "none" : join(order)));
      }
      const Parameter* parameter = kind->parameter(order[position]);
      if (parameter && parameter->type() == ArgumentType::sizes) {
        Shape sizes = sizes_from(args.positional, i);
        bound.emplace_back(order[position++], sizes);
        break;
      }
      bind(head, *kind, bound, order[position++], token);
    }
    for (const auto& [name, token] : args.named) {
      const Parameter* parameter = kind->parameter(name);
      if (parameter && parameter->type() == ArgumentType::sizes) {
        fail(token, head.text + "() takes its sizes by position, e.g. reshape(8, 4, 4)");
      }
      bind(head, *kind, bound, name, token);
    }
    check_required(head, *kind, bound);
    try {
      return Layer(head.text, bound);
    } catch (const InvalidArgument& e) {
      fail(head, e.what());
    }
  }

  // dense(16) for dense: each required argument at a typical value.
  static std::string example_of(const LayerKind& kind) {
    std::string out = kind.name() + "(";
    bool first = true;
    for (const auto& p : kind.parameters()) {
      if (!p.required()) continue;
      out += (first ? "" : ", ") + std::string(p.type() == ArgumentType::number ? "0.5"
                                               : p.type() == ArgumentType::name ? "NAME"
                                                                                : "16");
      first = false;
    }
    return out + ")";
  }

  const std::string& spec_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// "64,16", "64,16:tanh" or "64,16:tanh:sigmoid"; nullopt when the spec is not of this form.
std::optional<Network> parse_sizes(const std::string& spec) {
  auto first_non_space = spec.find_first_not_of(" \t");
  if (first_non_space == std::string::npos || !std::isdigit(static_cast<unsigned char>(spec[first_non_space]))) {
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
      throw ParseError("invalid network spec \"" + spec + "\": at column " + std::to_string(begin + 1) +
                       ": expected a positive layer size, got '" + item + "'");
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
