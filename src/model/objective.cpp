#include "model/objective.hpp"

#include "hourglass/noise/noise.hpp"
#include "hourglass/runtime.hpp"
#include "losses/losses.hpp"
#include "regularizers/penalties.hpp"

namespace hourglass {

Objective::Objective(const Autoencoder& learner, nn::AutoencoderNet net, TableCoding coding, double trim)
    : learner_(learner), net_(std::move(net)), loss_(learner.loss), coding_(std::move(coding)), trim_(trim) {
  if (coding_.has_categories()) {
    const TableLayout& layout = coding_.layout();
    std::vector<int64_t> categorical;
    for (const auto& group : layout.groups) categorical.push_back(group.column);
    categorical_columns_ = torch::tensor(categorical, torch::kLong);
    numeric_columns_ = torch::tensor(layout.numeric_columns, torch::kLong);
  }
}

namespace {

// The rows to keep of a batch whose rows lose `row_losses`: all but the floor(trim x rows)
// with the largest loss. Undefined when nothing is trimmed.
at::Tensor kept_rows(const at::Tensor& row_losses, double trim) {
  const int64_t rows = row_losses.size(0);
  const auto dropped = static_cast<int64_t>(trim * static_cast<double>(rows));
  if (dropped == 0) return {};
  return std::get<1>(row_losses.detach().topk(rows - dropped, /*dim=*/0, /*largest=*/false));
}

}  // namespace

void Objective::check_table_learner(const Autoencoder& learner) {
  if (learner.correntropy) {
    throw InvalidArgument(
        "the robust autoencoder's correntropy compares complete rows of numbers; this table has categorical "
        "columns or missing cells (train another variant, or fill the holes first)");
  }
  ResolvedLoss(learner.loss).table_cells();
}

at::Tensor Objective::reconstruction_loss(const at::Tensor& reconstruction, const at::Tensor& batch, bool per_row,
                                          Parts& parts) const {
  const double trim = net_->is_training() ? trim_ : 0.0;
  const bool agreed = agree_on_cells_ && !per_row;
  if (coding_.needs_column_losses(batch) || agreed) {
    check_table_learner(learner_);
    auto columns = coding_.column_losses(reconstruction, batch, loss_.table_cells());
    if (trim > 0) {
      // Rows rank by their mean over present cells, as their scores do.
      const auto kept = kept_rows(columns.row_scores(), trim);
      if (kept.defined()) columns = {columns.values.index_select(0, kept), columns.present.index_select(0, kept)};
    }
    const auto count = agreed ? at::scalar_tensor(agree_on_cells_(columns.present.sum().item<double>(),
                                                                  static_cast<double>(columns.present.size(0))),
                                                  columns.values.options())
                              : columns.present.sum().clamp_min(1);
    // Each part is its columns' losses over the same count as the whole: they sum to it.
    const auto total_of = [&](const at::Tensor& values) {
      return per_row ? values.sum(1).mean() : values.sum() / count;
    };
    if (categorical_columns_.defined()) {
      if (numeric_columns_.numel() > 0) {
        parts.emplace_back("numeric", total_of(columns.values.index_select(1, numeric_columns_)));
      }
      parts.emplace_back("categorical", total_of(columns.values.index_select(1, categorical_columns_)));
    }
    return total_of(columns.values);
  }
  if (learner_.correntropy) return correntropy_loss(reconstruction, batch, learner_.correntropy->sigma);
  if (trim > 0) {
    const auto row_losses = loss_->rows(reconstruction, batch);
    const auto kept = kept_rows(row_losses, trim);
    const auto mean = kept.defined() ? row_losses.index_select(0, kept).mean() : row_losses.mean();
    return per_row && loss_->cells ? mean * batch[0].numel() : mean;
  }
  // The ELBO sums a cell loss over a row's values (the mean times their count, as ruta
  // does); a loss of the whole sample is already one value per row.
  if (per_row && loss_->cells) return loss_->mean(reconstruction, batch) * batch[0].numel();
  return loss_->mean(reconstruction, batch);
}

bool Objective::has_penalty() const {
  return learner_.sparsity || learner_.contraction || learner_.weight_decay || learner_.variational;
}

std::vector<std::string> Objective::part_names() const {
  std::vector<std::string> names;
  if (has_penalty()) names.emplace_back("reconstruction");
  if (categorical_columns_.defined()) {
    if (numeric_columns_.numel() > 0) names.emplace_back("numeric");
    names.emplace_back("categorical");
  }
  if (learner_.variational) names.emplace_back("kl");
  if (learner_.sparsity) names.emplace_back("sparsity");
  if (learner_.contraction) names.emplace_back("contraction");
  if (learner_.weight_decay) names.emplace_back("weight_decay");
  return names;
}

Objective::Terms Objective::operator()(const at::Tensor& batch, const CellAgreement& agree_on_cells) {
  agree_on_cells_ = agree_on_cells;
  struct Forget {
    CellAgreement& agreement;
    ~Forget() { agreement = nullptr; }
  } forget{agree_on_cells_};
  const auto clean = coding_.fill(batch);
  const auto input = net_->is_training() && learner_.noise ? apply_noise(*learner_.noise, clean) : clean;
  Terms terms = learner_.variational ? variational_terms(input, batch) : reconstruction_terms(input, batch);
  if (learner_.weight_decay) {
    std::vector<at::Tensor> kernels;
    if (learner_.weight_decay->all_layers) {
      kernels = net_->kernels();
    } else {
      kernels.push_back(net_->encoding_kernel());
    }
    add(terms, "weight_decay", regularizers::weight_decay_penalty(kernels, learner_.weight_decay->decay));
  }
  return terms;
}

void Objective::add(Terms& terms, const char* name, const at::Tensor& penalty) {
  terms.total = terms.total + penalty;
  terms.parts.emplace_back(name, penalty);
}

Objective::Terms Objective::variational_terms(const at::Tensor& input, const at::Tensor& batch) {
  // The ELBO is estimated with a sample in evaluation too; Model::reconstruct uses the mean.
  const auto q = net_->posterior(input);
  const auto reconstruction = net_->decode(net_->variational()->sample(q));
  Parts table_parts;
  const auto reconstruction_term = reconstruction_loss(reconstruction, batch, /*per_row=*/true, table_parts);
  Terms terms{reconstruction_term, {{"reconstruction", reconstruction_term}}, reconstruction};
  terms.parts.insert(terms.parts.end(), table_parts.begin(), table_parts.end());
  const auto kl = nn::kl_to_standard_normal(q).mean();
  terms.total = terms.total + learner_.variational->beta * kl;
  terms.parts.emplace_back("kl", kl);
  return terms;
}

Objective::Terms Objective::reconstruction_terms(at::Tensor input, const at::Tensor& batch) {
  const bool training = net_->is_training();

  // The contractive penalty needs the Jacobian: in closed form from the one dense
  // layer's pre-activations, otherwise by autograd through the encoder.
  at::Tensor code, jacobian_norms;
  if (learner_.contraction) {
    // Validation runs under NoGradGuard; the Jacobian still needs autograd there.
    torch::AutoGradMode enable_grad(true);
    if (net_->encoder_is_one_dense_layer()) {
      const auto z = net_->encoding_layer()->forward(input);
      code = net_->encoding_activation().apply(z);
      jacobian_norms =
          regularizers::jacobian_norms_one_layer(net_->encoding_layer()->weight, z, net_->encoding_activation());
    } else {
      input = input.detach().requires_grad_(true);
      code = net_->encode(input);
      jacobian_norms = regularizers::jacobian_norms_autograd(input, code, /*create_graph=*/training);
    }
    if (!training) {
      code = code.detach();
      jacobian_norms = jacobian_norms.detach();
    }
  } else {
    code = net_->encode(input);
  }

  const auto reconstruction = net_->decode(code);
  Parts table_parts;
  const auto reconstruction_term = reconstruction_loss(reconstruction, batch, /*per_row=*/false, table_parts);
  Terms terms{reconstruction_term, {}, reconstruction};
  if (has_penalty()) terms.parts.emplace_back("reconstruction", reconstruction_term);
  terms.parts.insert(terms.parts.end(), table_parts.begin(), table_parts.end());
  if (learner_.sparsity) {
    add(terms, "sparsity",
        regularizers::sparsity_penalty(code, net_->encoding_activation().sparsity_low, *learner_.sparsity));
  }
  if (learner_.contraction) add(terms, "contraction", learner_.contraction->weight * jacobian_norms.mean());
  return terms;
}

}  // namespace hourglass
