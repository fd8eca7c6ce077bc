// Conversions between R values and the Hourglass library's types.
//
// Arrays: R is column-major and its first dimension is the instance, as in ruta; the
// library is row-major with channels first. A matrix (rows x features) maps to a
// rows x features tensor; an array (n, steps, channels) or (n, height, width, channels)
// (Keras's channels-last, what ruta's conv layers read) maps to n x channels x steps or
// n x channels x height x width, and back.
//
// Learners cross as a flat list that the package's R code builds from (and turns back
// into) ruta's S3 objects: list(layers = list(list(type = "dense", units = 6, ...), ...),
// loss = "mean_squared_error", sparsity = c(high_probability, weight), contraction =
// weight, noise = list(type, parameter), correntropy = sigma, weight_decay =
// list(decay, all_layers), variational = beta); absent properties are NULL.
#pragma once

#include <ATen/core/Tensor.h>
#include <Rcpp.h>

#include "hourglass/model/history.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "hourglass/noise/noise.hpp"
#include "hourglass/train/options.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass::r {

at::Tensor tensor_from_r(SEXP values, const char* what);
SEXP tensor_to_r(const at::Tensor& tensor);

Network network_from_r(const Rcpp::List& layers);
Rcpp::List network_to_r(const Network& network);

NoiseFilter noise_from_r(const Rcpp::List& noise);

/// An R value as the argument `parameter` takes (NULL: none); InvalidArgument naming
/// `kind` ("dense()") when its type does not fit. The range is the caller's to check.
ArgumentValue argument_from_r(SEXP value, const Parameter& parameter, const std::string& kind);
/// A layer argument as R's value (NULL for none).
SEXP argument_to_r(const ArgumentValue& value);

/// A training option's value as R holds it: NULL for none, a whole number as a double.
SEXP option_value_to_r(const OptionValue& value);

Autoencoder learner_from_r(const Rcpp::List& learner);
Rcpp::List learner_to_r(const Autoencoder& learner);
/// A kind's parameters by name: list(required, default, describe, help) each.
Rcpp::List parameters_to_r(const std::vector<Parameter>& parameters);

/// epoch, then one column per value: what R turns into a data frame.
Rcpp::List history_to_r(const History& history);

}  // namespace hourglass::r
