// Hourglass: neural autoencoders on LibTorch. This header brings in the whole public API.
//
//   #include <hourglass/hourglass.hpp>
//   using namespace hourglass;
//   Dataset iris = read_data("iris.csv", ReadOptions().label("Species"));
//   Model model = train(autoencoder(input() + dense(2) + output()), iris.features,
//                       TrainOptions().epochs(100).scale("zscore"));
//   at::Tensor codes = model.encode(iris.features);
#pragma once

#include "hourglass/data/dataset.hpp"
#include "hourglass/data/scaler.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/data/windows.hpp"
#include "hourglass/error.hpp"
#include "hourglass/export/onnx.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/io/png.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/model/anomaly.hpp"
#include "hourglass/model/baseline.hpp"
#include "hourglass/model/history.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/model/pca.hpp"
#include "hourglass/network/layer.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "hourglass/network/network.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/onnx/onnx_builder.hpp"
#include "hourglass/registry.hpp"
#include "hourglass/report/report.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/autoencode.hpp"
#include "hourglass/train/callback_kind.hpp"
#include "hourglass/train/callbacks.hpp"
#include "hourglass/train/detector.hpp"
#include "hourglass/train/distributed.hpp"
#include "hourglass/train/optimizers.hpp"
#include "hourglass/train/options.hpp"
#include "hourglass/train/train.hpp"
#include "hourglass/variants/autoencoder.hpp"
#include "hourglass/variants/variant_kind.hpp"
