#include "hourglass/train/callback_kind.hpp"

#include "hourglass/error.hpp"

namespace hourglass {
namespace {

const std::string& text(const Arguments& a, size_t i) { return std::get<std::string>(a.at(i).second); }
double number(const Arguments& a, size_t i) { return std::get<double>(a.at(i).second); }
int64_t count(const Arguments& a, size_t i) { return std::get<int64_t>(a.at(i).second); }
bool flag(const Arguments& a, size_t i) { return std::get<bool>(a.at(i).second); }

// Keras's default monitor, val_loss, which reads the training loss when there is no
// validation data: the options' empty monitor.
std::string monitor(const Arguments& a, size_t i) { return text(a, i) == "val_loss" ? "" : text(a, i); }

Parameter monitor_parameter() {
  return Parameter::name("monitor", "the logged value watched (loss, val_loss, a metric, val_ a metric)")
      .otherwise(std::string("val_loss"));
}

Parameter mode_parameter(const std::string& mode) {
  return Parameter::name("mode", "min or max: the direction of improvement; auto: max for names with acc or auc")
      .one_of(monitor_modes())
      .otherwise(mode);
}

CallbackKind kind(std::string name, std::string class_name, std::string help, std::vector<Parameter> parameters,
                  std::function<CallbackRef(const Arguments&)> make) {
  return {std::move(name), std::move(class_name), std::move(help), std::move(parameters), std::move(make)};
}

// check-function-length: declarative table
std::vector<CallbackKind> table() {
  const EarlyStoppingOptions early;
  const ModelCheckpointOptions checkpoint;
  const ReduceLROnPlateauOptions plateau;
  return {
      kind("early_stopping", "EarlyStopping", "stops training when the monitored value has stopped improving",
           {monitor_parameter(),
            Parameter::number("min_delta", "the smallest change that counts as an improvement")
                .at_least(0)
                .otherwise(early.min_delta()),
            Parameter::integer("patience", "epochs without improvement before training stops")
                .at_least(0)
                .otherwise(early.patience()),
            mode_parameter(early.mode()),
            Parameter::number("baseline", "a value to beat; none: any first value").optional(),
            Parameter::flag("restore_best_weights", "put the best epoch's weights back when stopping")
                .otherwise(early.restore_best_weights())},
           [](const Arguments& a) {
             auto options = EarlyStoppingOptions()
                                .monitor(monitor(a, 0))
                                .min_delta(number(a, 1))
                                .patience(count(a, 2))
                                .mode(text(a, 3))
                                .restore_best_weights(flag(a, 5));
             if (const auto* baseline = std::get_if<double>(&a.at(4).second)) options.baseline(*baseline);
             return EarlyStopping(options);
           }),
      kind("model_checkpoint", "ModelCheckpoint",
           "writes the model with its training state, which training continues from, every few epochs",
           {Parameter::name("filepath", "the model file to write"), monitor_parameter(),
            Parameter::flag("save_best_only", "write only when the monitored value improves")
                .otherwise(checkpoint.save_best_only()),
            mode_parameter(checkpoint.mode()),
            Parameter::integer("every", "epochs between checkpoints").at_least(1).otherwise(checkpoint.every())},
           [](const Arguments& a) {
             return ModelCheckpoint(text(a, 0), ModelCheckpointOptions()
                                                    .monitor(monitor(a, 1))
                                                    .save_best_only(flag(a, 2))
                                                    .mode(text(a, 3))
                                                    .every(count(a, 4)));
           }),
      kind("csv_logger", "CSVLogger", "writes the history to a CSV file after every epoch",
           {Parameter::name("filename", "the CSV file to write")},
           [](const Arguments& a) { return CSVLogger(text(a, 0)); }),
      kind(
          "reduce_lr_on_plateau", "ReduceLROnPlateau",
          "multiplies the learning rate by a factor when the monitored value stalls",
          {monitor_parameter(),
           Parameter::number("factor", "the learning rate is multiplied by it")
               .above(0)
               .below(1)
               .otherwise(plateau.factor()),
           Parameter::integer("patience", "epochs without improvement before a reduction")
               .at_least(0)
               .otherwise(plateau.patience()),
           mode_parameter(plateau.mode()),
           Parameter::number("min_delta", "the smallest change that counts as an improvement")
               .at_least(0)
               .otherwise(plateau.min_delta()),
           Parameter::integer("cooldown", "epochs to wait after a reduction").at_least(0).otherwise(plateau.cooldown()),
           Parameter::number("min_lr", "the lowest learning rate").at_least(0).otherwise(plateau.min_lr())},
          [](const Arguments& a) {
            return ReduceLROnPlateau(ReduceLROnPlateauOptions()
                                         .monitor(monitor(a, 0))
                                         .factor(number(a, 1))
                                         .patience(count(a, 2))
                                         .mode(text(a, 3))
                                         .min_delta(number(a, 4))
                                         .cooldown(count(a, 5))
                                         .min_lr(number(a, 6)));
          }),
      kind("terminate_on_nan", "TerminateOnNaN",
           "ends training on a NaN or infinite loss, gradient or weight (always on: training adds one)", {},
           [](const Arguments&) { return TerminateOnNaN(); }),
  };
}

}  // namespace

const std::vector<CallbackKind>& callback_kinds() {
  static const std::vector<CallbackKind> kinds = table();
  return kinds;
}

const CallbackKind& callback_kind(std::string_view name) {
  for (const auto& kind : callback_kinds()) {
    if (kind.name == name || kind.class_name == name) return kind;
  }
  std::vector<std::string> names;
  for (const auto& kind : callback_kinds()) names.push_back(kind.name);
  throw unknown_name("callback", name, names);
}

CallbackRef make_callback(std::string_view name, const Arguments& given) {
  const CallbackKind& kind = callback_kind(name);
  return kind.make(complete_arguments(kind.class_name, kind.parameters, given));
}

}  // namespace hourglass
