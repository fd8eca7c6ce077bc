#include "layers/builtin.hpp"

namespace hourglass {

void register_builtin_layer_kinds(const std::function<void(LayerKindPtr, const std::vector<std::string>&)>& add) {
  add(input_kind(), {});
  add(dense_kind(), {});
  add(output_kind(), {});
  add(dropout_kind(), {});
  add(batch_norm_kind(), {});
  add(variational_kind(), {"variational_block"});  // ruta's name
  add(conv_kind(), {});
  add(conv_transpose_kind(), {});
  add(flatten_kind(), {});
  add(reshape_kind(), {});
  add(activation_kind(), {});
  add(leaky_relu_kind(), {});
  add(lstm_kind(), {});
  add(gru_kind(), {});
  add(repeat_vector_kind(), {});
}

}  // namespace hourglass
