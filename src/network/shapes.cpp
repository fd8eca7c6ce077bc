#include "network/shapes.hpp"

#include <algorithm>
#include <functional>

#include "hourglass/error.hpp"
#include "hourglass/network/network.hpp"

namespace hourglass {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

Shape conv_output_shape(const Layer& layer, const Shape& in, const std::function<void(const std::string&)>& fail) {
  if (in.size() != 2 && in.size() != 3) {
    fail("needs channels-first samples of shape CxL (1-D) or CxHxW (2-D)" +
         std::string(in.size() == 1 ? "; tabular data has no channels: read images (IDX) or an .npy of shape "
                                      "NxCxHxW, or use reshape() before it"
                                    : ""));
  }
  const bool same = layer.conv.padding_ == "same";
  const int64_t k = layer.kernel_size, s = layer.conv.strides_;
  Shape out = in;
  out[0] = layer.units;
  for (size_t d = 1; d < in.size(); ++d) {
    int64_t side = in[d];
    if (layer.type == LayerType::conv) {
      if (!same && side < k)
        fail("has a kernel of " + std::to_string(k) + " wider than a side of " + std::to_string(side) +
             " with padding=valid");
      side = same ? ceil_div(side, s) : (side - k) / s + 1;
    } else {
      side = checked_product(side, s) + (same ? 0 : std::max<int64_t>(k - s, 0));
    }
    const int64_t f = layer.conv.factor_;
    switch (layer.conv.resampling_) {
      case Resampling::max_pooling:
      case Resampling::average_pooling:
        if (!same && side < f) {
          fail("pools by " + std::to_string(f) + " a side of " + std::to_string(side) +
               ", which would shrink it below 1");
        }
        side = same ? ceil_div(side, f) : side / f;
        break;
      case Resampling::upsampling:
        side = checked_product(side, f);
        break;
      case Resampling::none:
        break;
    }
    out[d] = side;
  }
  return out;
}

}  // namespace

Shape Network::input_shape_for(const Shape& data_shape) const {
  const bool shaped = std::any_of(layers_.begin(), layers_.end(), [](const Layer& layer) {
    return layer.is_conv() || layer.type == LayerType::flatten || layer.type == LayerType::reshape;
  });
  return shaped ? data_shape : Shape{shape_size(data_shape)};
}

std::vector<Shape> Network::output_shapes(const Shape& data_shape) const {
  const Shape input_shape = input_shape_for(data_shape);
  std::vector<Shape> shapes;
  Shape shape = input_shape;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& layer = layers_[i];
    const Shape in = shape;
    auto fail = [&](const std::string& what) {
      throw InvalidArgument("network '" + to_string() + "': " + layer.to_string() + " at position " +
                            std::to_string(i) + " receives shape " + shape_to_string(in) + " but " + what);
    };
    switch (layer.type) {
      case LayerType::input:
        shape = input_shape;
        break;
      case LayerType::dense:
      case LayerType::variational:
        if (in.size() != 1) fail("takes one dimension; add flatten() before it");
        shape = {layer.units};
        break;
      case LayerType::output:
        // Dense from one dimension (reshaped to the data's shape); after conv layers, a
        // conv back to the data's channels, which needs the data's sides already.
        shape = input_shape;
        if (in.size() > 1 &&
            (in.size() != input_shape.size() || !std::equal(in.begin() + 1, in.end(), input_shape.begin() + 1))) {
          fail("must give the data's shape " + shape_to_string(input_shape) +
               "; change the pooling/upsampling so that the sides match");
        }
        break;
      case LayerType::dropout:
      case LayerType::batch_norm:
        break;
      case LayerType::conv:
      case LayerType::conv_transpose:
        shape = conv_output_shape(layer, in, fail);
        break;
      case LayerType::flatten:
        shape = {shape_size(in)};
        break;
      case LayerType::reshape:
        if (shape_size(layer.dims) != shape_size(in)) {
          fail("holds " + std::to_string(shape_size(in)) + " values and the target holds " +
               std::to_string(shape_size(layer.dims)));
        }
        shape = layer.dims;
        break;
    }
    shapes.push_back(shape);
  }
  if (!layers_.empty() && shapes.back() != input_shape) {
    throw InvalidArgument("network '" + to_string() + "': its last layer " + layers_.back().to_string() +
                          " gives shape " + shape_to_string(shapes.back()) + " but the data has shape " +
                          shape_to_string(input_shape) + "; the reconstruction must have the data's shape");
  }
  return shapes;
}

int64_t layer_parameters(const Layer& layer, const Shape& in, const Shape& out) {
  switch (layer.type) {
    case LayerType::dense:
      return checked_product(in[0], out[0]) + out[0];
    case LayerType::variational:
      return 2 * (checked_product(in[0], out[0]) + out[0]);  // z_mean and z_log_var
    case LayerType::output:
      if (in.size() == 1) return checked_product(in[0], shape_size(out)) + shape_size(out);
      [[fallthrough]];
    case LayerType::conv:
    case LayerType::conv_transpose: {
      const int64_t window = layer.type == LayerType::output ? kOutputKernelSize : layer.kernel_size;
      int64_t weights = checked_product(in[0], out[0]);
      for (size_t d = 1; d < in.size(); ++d) weights = checked_product(weights, window);
      return weights + out[0];
    }
    default:
      return 0;
  }
}

}  // namespace hourglass
