// The lighter precompiled header: LibTorch's tensors, their factories and NoGradGuard,
// without its modules and optimizers. Most files of the library and every file of the
// command compile against it; the few that use torch::nn or torch::optim get the whole
// of torch/torch.h (src/pch.hpp). Its compiled form is 350 MB against 570, and a file
// that needs only tensors parses 2-4 s faster with it (docs/building.md).
#pragma once
#include <torch/types.h>
#include <torch/utils.h>
