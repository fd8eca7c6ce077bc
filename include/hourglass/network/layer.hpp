// Layer specs: plain data describing one layer of a network, as in ruta.
//
// A spec holds no weights; the weights are made when a learner is trained on data
// (the input and output widths come from the data). A layer is a kind (see
// layer_kind.hpp: dense, conv, ...) and its arguments; the functions below build the
// built-in kinds, and Layer("kind", {{"name", value}}) builds any registered one.
//
//   auto net = input() + dense(256, "elu") + dense(36, "tanh") + dense(256, "elu")
//              + output("sigmoid");
//   auto vae = input() + dense(256, "elu") + variational(10) + dense(256, "elu")
//              + output("sigmoid");
//   auto cnn = input() + conv(16, 3, "relu", ConvOptions().max_pooling(2))
//              + conv(16, 3, "relu", ConvOptions().upsampling(2)) + conv(1, 3, "sigmoid");
//   Layer same = Layer("dense", {{"units", int64_t{36}}, {"activation", "tanh"}});
//
// Image data is channels first: one sample of MNIST has the shape {1, 28, 28}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "hourglass/error.hpp"  // shape_to_string, which messages about shapes use

namespace hourglass {

/// The shape of one sample, without the batch: {features} or {channels, length} or
/// {channels, height, width}.
using Shape = std::vector<int64_t>;

/// The value of a layer argument: none (an optional argument left out, ruta's NULL),
/// an integer, a number, a flag, a name or a list of sizes.
using ArgumentValue = std::variant<std::monostate, int64_t, double, bool, std::string, std::vector<int64_t>>;
/// Arguments by name.
using Arguments = std::vector<std::pair<std::string, ArgumentValue>>;

class LayerKind;

/// A value as a spec string writes it: 16, 0.5, TRUE, relu, "8, 4, 4", NULL.
std::string argument_to_string(const ArgumentValue& value);

class Layer {
 public:
  /// input().
  Layer();
  /// A layer of a registered kind (see layer_kinds()) from arguments by name; the others
  /// take their defaults. Throws InvalidArgument for an unknown kind or argument, a
  /// missing required one, or a value of the wrong type or out of range, naming it.
  explicit Layer(std::string_view kind, const Arguments& arguments = {});

  const LayerKind& kind() const { return *kind_; }
  /// The kind's name ("dense"), also when it was made under an alias.
  const std::string& kind_name() const;
  bool is(std::string_view kind) const { return kind_name() == kind; }

  /// Every argument of the kind, in the kind's order, with the defaults filled in.
  const Arguments& arguments() const { return arguments_; }
  /// Throws InvalidArgument for a name the kind does not have.
  const ArgumentValue& argument(std::string_view name) const;
  /// False for an optional argument left out (none).
  bool given(std::string_view name) const;
  /// The argument as its type; throws InvalidArgument when it has another type.
  int64_t integer(std::string_view name) const;
  double number(std::string_view name) const;
  bool flag(std::string_view name) const;
  const std::string& text(std::string_view name) const;
  const Shape& sizes(std::string_view name) const;
  /// A copy with one argument replaced, checked as the constructor checks it.
  Layer with(std::string_view name, ArgumentValue value) const;

  /// The width of a layer with units (dense, variational) or filters (conv); 0 for others.
  int64_t units() const;
  /// The activation argument; "linear" for a kind without one.
  std::string activation() const;

  /// The layer as written in a network spec, e.g. "dense(16, tanh)"; parse_network reads
  /// it back to an equal layer.
  std::string to_string() const;
  bool operator==(const Layer& other) const;
  bool operator!=(const Layer& other) const { return !(*this == other); }

 private:
  const LayerKind* kind_;
  Arguments arguments_;
};

/// The optional arguments of conv() and conv_transpose().
struct ConvOptions {
  /// "same" keeps the side (divided by the stride); "valid" uses no padding. Pooling
  /// follows it: "same" keeps a partial last window (the side rounds up), "valid"
  /// drops it (rounds down).
  ConvOptions& padding(std::string value) {
    padding_ = std::move(value);
    return *this;
  }
  ConvOptions& strides(int64_t value) {
    strides_ = value;
    return *this;
  }
  /// At most one of the three resamplings after the activation.
  ConvOptions& max_pooling(int64_t size) { return resample("max_pooling", size); }
  ConvOptions& average_pooling(int64_t size) { return resample("average_pooling", size); }
  ConvOptions& upsampling(int64_t size) { return resample("upsampling", size); }
  /// False leaves the bias out (Keras's use_bias).
  ConvOptions& use_bias(bool value) {
    use_bias_ = value;
    return *this;
  }

  std::string padding_ = "same";
  int64_t strides_ = 1;
  std::string resampling_;  ///< "" for none
  int64_t factor_ = 0;
  bool use_bias_ = true;

 private:
  ConvOptions& resample(std::string kind, int64_t size) {
    resampling_ = std::move(kind);
    factor_ = size;
    return *this;
  }
};

Layer input();
Layer dense(int64_t units, const std::string& activation = "linear");
/// The reconstruction layer; its width is the data's.
Layer output(const std::string& activation = "linear");
Layer dropout(double rate = 0.5);
Layer batch_norm();
/// A variational encoding (ruta's variational_block): dense z_mean and z_log_var of
/// `units` each, and a sample z = z_mean + exp(z_log_var / 2) * epsilon, epsilon drawn
/// from N(0, epsilon_std^2) for every row.
Layer variational(int64_t units, double epsilon_std = 1.0);
/// A convolution: 1-D on {C, L} data, 2-D on {C, H, W} (decided by the input, as in
/// ruta), then the activation, then the pooling or upsampling in `options`.
Layer conv(int64_t filters, int64_t kernel_size, const std::string& activation = "linear",
           const ConvOptions& options = {});
/// A transposed convolution (decoders): "same" padding multiplies the side by the stride.
Layer conv_transpose(int64_t filters, int64_t kernel_size, const std::string& activation = "linear",
                     const ConvOptions& options = {});
/// A recurrent layer on sequences {C, L} (or {L}, one channel): the last step's output
/// {units}, or with `return_sequences` every step's {units, L}. Keras's LSTM
/// autoencoder: input() + lstm(32) + repeat_vector(L) + lstm(32, "tanh", true) + output().
Layer lstm(int64_t units, const std::string& activation = "tanh", bool return_sequences = false);
Layer gru(int64_t units, const std::string& activation = "tanh", bool return_sequences = false);
/// {units} -> {units, n}: the vector at each of n steps, for a recurrent decoder.
Layer repeat_vector(int64_t n);
/// {C, H, W} -> {C*H*W}, so that a conv encoder can end in a dense code.
Layer flatten();
/// {n} -> `dims` (channels first), so that a dense decoder can feed conv layers.
Layer reshape(const Shape& dims);

/// The names of the activations a layer accepts.
std::vector<std::string> activation_names();
/// Throws InvalidArgument listing the valid names when `name` is not an activation.
void check_activation(const std::string& name);

/// The kernel of output() after conv layers (a "same" conv back to the data's channels).
constexpr int64_t kOutputKernelSize = 3;

/// The number of values in a sample of that shape (784 for 1x28x28). Throws
/// InvalidArgument above kMaxValues: no shape arithmetic can overflow.
int64_t shape_size(const Shape& shape);
/// a * b for sizes, with the same limit.
int64_t checked_product(int64_t a, int64_t b);
constexpr int64_t kMaxValues = int64_t{1} << 40;

}  // namespace hourglass
