// Layer specs: plain data describing one layer of a network, as in ruta.
//
// A spec holds no weights; the weights are made when a learner is trained on data
// (the input and output widths come from the data).
//
//   auto net = input() + dense(256, "elu") + dense(36, "tanh") + dense(256, "elu")
//              + output("sigmoid");
//   auto vae = input() + dense(256, "elu") + variational(10) + dense(256, "elu")
//              + output("sigmoid");
//   auto cnn = input() + conv(16, 3, "relu", ConvOptions().max_pooling(2))
//              + conv(16, 3, "relu", ConvOptions().upsampling(2)) + conv(1, 3, "sigmoid");
//
// Image data is channels first: one sample of MNIST has the shape {1, 28, 28}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hourglass {

enum class LayerType {
  input, dense, output, dropout, batch_norm, variational, conv, conv_transpose, flatten, reshape
};

/// The shape of one sample, without the batch: {features} or {channels, length} or
/// {channels, height, width}.
using Shape = std::vector<int64_t>;

/// What a conv layer does after its activation (ruta's max_pooling, average_pooling
/// and upsampling arguments; at most one of them).
enum class Resampling { none, max_pooling, average_pooling, upsampling };

/// The optional arguments of conv() and conv_transpose().
struct ConvOptions {
  /// "same" keeps the side (divided by the stride); "valid" uses no padding. Pooling
  /// follows it: "same" keeps a partial last window (the side rounds up), "valid"
  /// drops it (rounds down).
  ConvOptions& padding(std::string value) { padding_ = std::move(value); return *this; }
  ConvOptions& strides(int64_t value) { strides_ = value; return *this; }
  ConvOptions& max_pooling(int64_t size) { return resample(Resampling::max_pooling, size); }
  ConvOptions& average_pooling(int64_t size) { return resample(Resampling::average_pooling, size); }
  ConvOptions& upsampling(int64_t size) { return resample(Resampling::upsampling, size); }

  std::string padding_ = "same";
  int64_t strides_ = 1;
  Resampling resampling_ = Resampling::none;
  int64_t factor_ = 0;

  bool operator==(const ConvOptions& o) const {
    return padding_ == o.padding_ && strides_ == o.strides_ && resampling_ == o.resampling_ && factor_ == o.factor_;
  }

 private:
  ConvOptions& resample(Resampling kind, int64_t size) {
    resampling_ = kind;
    factor_ = size;
    return *this;
  }
};

struct Layer {
  LayerType type = LayerType::input;
  int64_t units = 0;                   ///< dense, variational: width; conv: filters
  std::string activation = "linear";   ///< dense, output, conv
  double rate = 0.0;                   ///< dropout: fraction of units dropped
  double epsilon_std = 1.0;            ///< variational: sd of the sampling noise
  int64_t kernel_size = 0;             ///< conv: side of the kernel
  ConvOptions conv;                    ///< conv: padding, strides, pooling
  Shape dims;                          ///< reshape: the target shape

  /// True for dense and variational layers (ruta's "sized" layers).
  bool has_units() const { return type == LayerType::dense || type == LayerType::variational; }
  bool is_conv() const { return type == LayerType::conv || type == LayerType::conv_transpose; }
  /// The layer as it is written in a network spec, e.g. "dense(16, tanh)".
  std::string to_string() const;
  bool operator==(const Layer& other) const;
  bool operator!=(const Layer& other) const { return !(*this == other); }
};

/// The names of the activations a dense or output layer accepts.
const std::vector<std::string>& activation_names();

/// Throws InvalidArgument listing the valid names when `name` is not an activation.
void check_activation(const std::string& name);

/// The name of a layer type as written in a spec ("batch_norm").
std::string layer_type_name(LayerType type);

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
/// {C, H, W} -> {C*H*W}, so that a conv encoder can end in a dense code.
Layer flatten();
/// {n} -> `dims` (channels first), so that a dense decoder can feed conv layers.
Layer reshape(const Shape& dims);

/// The kernel of output() after conv layers (a "same" conv back to the data's channels).
constexpr int64_t kOutputKernelSize = 3;

/// "1x28x28".
std::string shape_to_string(const Shape& shape);
/// The number of values in a sample of that shape (784 for 1x28x28). Throws
/// InvalidArgument above kMaxValues: no shape arithmetic can overflow.
int64_t shape_size(const Shape& shape);
/// a * b for sizes, with the same limit.
int64_t checked_product(int64_t a, int64_t b);
constexpr int64_t kMaxValues = int64_t{1} << 40;

}  // namespace hourglass
