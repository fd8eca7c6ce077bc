#include "network/shapes.hpp"

#include <algorithm>

#include "hourglass/error.hpp"
#include "hourglass/network/network.hpp"

namespace hourglass {

Shape Network::input_shape_for(const Shape& data_shape) const {
  const bool shaped = std::any_of(layers_.begin(), layers_.end(),
                                  [](const Layer& layer) { return layer.kind().reads_shaped_samples(); });
  return shaped ? data_shape : Shape{shape_size(data_shape)};
}

std::vector<Shape> Network::output_shapes(const Shape& data_shape) const {
  const Shape input_shape = input_shape_for(data_shape);
  std::vector<Shape> shapes;
  Shape shape = input_shape;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& layer = layers_[i];
    const ShapeCheck check(input_shape, [&, in = shape] {
      return "network '" + describe() + "': " + layer.to_string() + " at position " + std::to_string(i) +
             " receives shape " + shape_to_string(in) + " but ";
    });
    shape = layer.kind().output_shape(layer, shape, check);
    shapes.push_back(shape);
  }
  if (!layers_.empty() && shapes.back() != input_shape) {
    throw InvalidArgument("network '" + describe() + "': its last layer " + layers_.back().to_string() +
                          " gives shape " + shape_to_string(shapes.back()) + " but the data has shape " +
                          shape_to_string(input_shape) + "; the reconstruction must have the data's shape");
  }
  return shapes;
}

}  // namespace hourglass
