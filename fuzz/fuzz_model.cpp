// Model files: the safetensors header, offsets, dtypes and shapes, the config JSON and
// the network it describes. A model that loads must also run.
#include <torch/torch.h>

#include "fuzz_target.hpp"
#include "hourglass/model/model.hpp"
#include "model/serialization.hpp"

namespace {
void parse(std::string_view bytes) {
  const hourglass::Model model(hourglass::deserialize_model(bytes, "fuzz.hgm"));
  if (model.input_dim() <= (1 << 20)) model.reconstruct(torch::zeros({2, model.input_dim()}));  // bounded memory
}
}  // namespace

HOURGLASS_FUZZ_TARGET(parse)
