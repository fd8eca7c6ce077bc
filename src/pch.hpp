// Precompiled header: LibTorch's umbrella header costs ~15 s per translation unit,
// so every target of the project compiles it once here and reuses it.
#pragma once
#include <torch/torch.h>
