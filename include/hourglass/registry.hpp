// Named entries of one kind (losses, metrics, activations, optimizers, scalers,
// precisions, noise filters, variants, layer kinds): one type for all of them, so that
// every lookup of an unknown name fails the same way, listing the valid names.
//
//   Registry<LossFunction> losses("loss");
//   losses.add("mse", mean_squared_error, {"mean_squared_error"});   // with an alias
//   losses.at("mse")(prediction, target);
//   losses.at("hinge");   // InvalidArgument: unknown loss 'hinge' (valid: mse, mean_squared_error)
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hourglass/error.hpp"

namespace hourglass {

template <typename T>
class Registry {
 public:
  /// `kind` names the entries in messages ("loss", "layer kind").
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  /// Adds `value` under `name` and its aliases, in order. Throws InvalidArgument when a
  /// name is taken. Entries keep their address for the registry's lifetime.
  T& add(const std::string& name, T value, const std::vector<std::string>& aliases = {}) {
    check_free(name);
    for (const auto& alias : aliases) check_free(alias);
    entries_.push_back({name, std::make_unique<T>(std::move(value))});
    index_.emplace_back(name, entries_.size() - 1);
    for (const auto& alias : aliases) index_.emplace_back(alias, entries_.size() - 1);
    return *entries_.back().value;
  }

  /// nullptr for an unknown name.
  const T* find(std::string_view name) const {
    for (const auto& [key, entry] : index_) {
      if (key == name) return entries_[entry].value.get();
    }
    return nullptr;
  }
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  /// Throws InvalidArgument "unknown <kind> '<name>' (valid: ...)" for an unknown name.
  const T& at(std::string_view name) const {
    if (const T* value = find(name)) return *value;
    throw unknown_name(kind_, name, all_names());
  }

  /// The name an entry was added under, for any of its names.
  const std::string& canonical(std::string_view name) const {
    for (const auto& [key, entry] : index_) {
      if (key == name) return entries_[entry].name;
    }
    throw unknown_name(kind_, name, all_names());
  }

  /// The names entries were added under, in order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : entries_) out.push_back(entry.name);
    return out;
  }
  /// Every name and alias, in order.
  std::vector<std::string> all_names() const {
    std::vector<std::string> out;
    for (const auto& item : index_) out.push_back(item.first);
    return out;
  }
  /// The entries in order, with the names they were added under.
  std::vector<std::pair<std::string, const T*>> entries() const {
    std::vector<std::pair<std::string, const T*>> out;
    for (const auto& entry : entries_) out.emplace_back(entry.name, entry.value.get());
    return out;
  }
  const std::string& kind() const { return kind_; }

 private:
  struct Entry {
    std::string name;
    std::unique_ptr<T> value;
  };
  void check_free(const std::string& name) const {
    if (name.empty()) throw InvalidArgument("a " + kind_ + " needs a name");
    if (contains(name)) {
      throw InvalidArgument("there is already a " + kind_ + " named '" + name + "'; choose another name");
    }
  }

  std::string kind_;
  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, size_t>> index_;  // every name and alias -> entry
};

}  // namespace hourglass
