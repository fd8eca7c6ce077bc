// The callbacks that take values only (early stopping, checkpoints, a CSV log, the
// learning rate on a plateau, NaN checks), declared once: each with the name the
// bindings give it, Keras's class name, its parameters (types, defaults from the
// callback's options, ranges, help) and how to make it. R's callback_*() functions and
// Python's hourglass.EarlyStopping, ... read it; callbacks that take a function (R's
// callback_lambda, a learning rate schedule, Python callables) are the bindings' own.
//
//   const CallbackKind& early = callback_kind("early_stopping");
//   for (const auto& p : early.parameters) std::cout << p.name() << ": " << p.describe() << '\n';
//   Callbacks list = {make_callback("early_stopping", {{"patience", int64_t{3}}})};
//
// A new callback of this sort is its class (callbacks.hpp) and a row of the table in
// src/train/callbacks/callback_kind.cpp.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hourglass/network/layer_kind.hpp"
#include "hourglass/train/callbacks.hpp"

namespace hourglass {

struct CallbackKind {
  /// As R and the docs name it: "early_stopping" (R's callback_early_stopping()).
  std::string name;
  /// Keras's class name, Python's: "EarlyStopping".
  std::string class_name;
  /// What it does, one sentence.
  std::string help;
  /// Its parameters, in the order of R's and Python's arguments.
  std::vector<Parameter> parameters;
  /// The callback, from every parameter's value in order (complete_arguments()).
  std::function<CallbackRef(const Arguments&)> make;
};

/// Every declared callback, in the order the docs list them.
const std::vector<CallbackKind>& callback_kinds();
/// By name or class name ("early_stopping" or "EarlyStopping"); InvalidArgument listing
/// the names otherwise.
const CallbackKind& callback_kind(std::string_view name);
/// The callback `name` with the `given` arguments by parameter name and the others at
/// their defaults. InvalidArgument for an unknown callback or argument, a missing
/// required one (a checkpoint's file) or a value that does not fit.
CallbackRef make_callback(std::string_view name, const Arguments& given = {});

}  // namespace hourglass
