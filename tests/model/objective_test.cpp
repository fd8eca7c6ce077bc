// The training objective of every variant: its terms against their formulas, and the
// behaviour each variant exists for, on small data generated here with fixed seeds.
#include "model/objective.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "hourglass/error.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/train.hpp"
#include "model/model_access.hpp"
#include "model/model_impl.hpp"
#include "regularizers/penalties.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using testing::low_rank_data;

// rows x cols in (0, 1) on a rank-2 manifold.
at::Tensor unit_data(int64_t rows, int64_t cols, uint64_t seed) {
  return torch::sigmoid(low_rank_data(rows, cols, 2, seed));
}

// Training and test rows from one draw, so that both lie on the same rank-2 subspace.
std::pair<at::Tensor, at::Tensor> train_and_test(int64_t train_rows, int64_t test_rows, int64_t cols, uint64_t seed) {
  const auto all = low_rank_data(train_rows + test_rows, cols, 2, seed) * 0.2;
  return {all.narrow(0, 0, train_rows).clone(), all.narrow(0, train_rows, test_rows).clone()};
}

TrainOptions quick(int64_t epochs) {
  return TrainOptions().epochs(epochs).optimizer("adam").learning_rate(0.01).batch_size(32).seed(11);
}

TEST(Objective, TotalIsTheReconstructionPlusEachPenalty) {
  torch::manual_seed(1);
  const auto learner = add_weight_decay(
      make_contractive(autoencoder_sparse(parse_network("input() + dense(3, tanh) + output()"), "mse", 0.2, 0.5), 0.01),
      0.03, /*all_layers=*/true);
  nn::AutoencoderNet net(learner.network, 5);
  Objective objective(learner, net);
  const auto x = torch::rand({8, 5});
  const auto terms = objective(x);

  ASSERT_EQ(objective.part_names(),
            (std::vector<std::string>{"reconstruction", "sparsity", "contraction", "weight_decay"}));
  ASSERT_EQ(terms.parts.size(), 4u);
  torch::NoGradGuard no_grad;
  const auto code = net->encode(x);
  const double reconstruction = (net->decode(code) - x).square().mean().item<double>();
  const double sparsity = regularizers::sparsity_penalty(code, -1.0, Sparsity{0.2, 0.5}).item<double>();
  const auto w = net->encoding_layer()->weight;
  const double contraction =
      0.01 * regularizers::jacobian_norms_one_layer(w, x.matmul(w.t()) + net->encoding_layer()->bias,
                                                    nn::activation_function("tanh"))
                 .mean()
                 .item<double>();
  double decay = 0;
  for (const auto& item : net->named_parameters()) {  // every dense kernel: the 2-D weights
    if (item.value().dim() == 2) decay += 0.03 * item.value().square().sum().item<double>();
  }

  EXPECT_NEAR(terms.parts[0].second.item<double>(), reconstruction, 1e-6);
  EXPECT_NEAR(terms.parts[1].second.item<double>(), sparsity, 1e-5);
  EXPECT_NEAR(terms.parts[2].second.item<double>(), contraction, 1e-6);
  EXPECT_NEAR(terms.parts[3].second.item<double>(), decay, 1e-6);
  EXPECT_NEAR(terms.total.item<double>(), reconstruction + sparsity + contraction + decay, 1e-5);
}

TEST(Objective, WeightDecayDefaultsToTheEncodingKernel) {
  const auto learner = add_weight_decay(autoencoder("4,2"), 0.5);
  nn::AutoencoderNet net(learner.network, 3);
  Objective objective(learner, net);
  const auto terms = objective(torch::rand({4, 3}));
  torch::NoGradGuard no_grad;
  EXPECT_NEAR(terms.parts.back().second.item<double>(),
              0.5 * net->encoding_layer()->weight.square().sum().item<double>(), 1e-6);
  EXPECT_EQ(net->encoding_layer()->weight.size(0), 2);
}

TEST(Objective, SparsityMapsAReluCodeFromZeroToOneAsRutaDoes) {
  const auto relu = autoencoder_sparse(parse_network("input() + dense(3, relu) + output()"));
  nn::AutoencoderNet net(relu.network, 4);
  Objective objective(relu, net);
  const auto x = torch::rand({8, 4});
  const auto terms = objective(x);
  torch::NoGradGuard no_grad;
  EXPECT_NEAR(terms.parts[1].second.item<double>(),
              regularizers::sparsity_penalty(net->encode(x), 0.0, Sparsity{}).item<double>(), 1e-6);
}

TEST(Objective, DenoisingCorruptsOnlyInTraining) {
  const auto learner = autoencoder_denoising(parse_network("4"), "mse", noise_gaussian(0.5));
  nn::AutoencoderNet net(learner.network, 6);
  Objective objective(learner, net);
  const auto x = torch::rand({16, 6});
  net->train();
  const double first = objective(x).total.item<double>(), second = objective(x).total.item<double>();
  EXPECT_NE(first, second);  // fresh noise for every batch
  net->eval();
  torch::NoGradGuard no_grad;
  const double clean = objective(x).total.item<double>();
  EXPECT_EQ(clean, objective(x).total.item<double>());
  EXPECT_NEAR(clean, (net->forward(x) - x).square().mean().item<double>(), 1e-7);
  EXPECT_TRUE(objective.part_names().empty());  // no penalty: "loss" alone
}

TEST(Objective, TrimLeavesOutTheRowsReconstructedWorstOnlyInTraining) {
  torch::manual_seed(3);
  const auto learner = autoencoder(parse_network("input() + dense(2) + output()"), "mae");
  nn::AutoencoderNet net(learner.network, 5);
  Objective objective(learner, net, {}, /*trim=*/0.25);
  const auto x = torch::randn({10, 5});
  net->train();
  const auto terms = objective(x);
  // floor(0.25 x 10) = 2 rows out: the mean absolute error of the other 8.
  const auto rows = (net->forward(x) - x).abs().mean(1).detach();
  const auto sorted = std::get<0>(rows.sort());
  EXPECT_NEAR(terms.total.item<double>(), sorted.narrow(0, 0, 8).mean().item<double>(), 1e-6);
  // Its gradient is that of the kept rows' mean, by autograd on the network's output.
  const auto gradients = [&](auto loss) {
    net->zero_grad();
    loss().backward();
    std::vector<at::Tensor> out;
    for (const auto& p : net->parameters()) out.push_back(p.grad().clone());
    return out;
  };
  const auto kept = std::get<1>(rows.topk(8, 0, /*largest=*/false));
  const auto trimmed = gradients([&] { return objective(x).total; });
  const auto by_hand = gradients([&] { return (net->forward(x) - x).abs().mean(1).index_select(0, kept).mean(); });
  const auto untrimmed = gradients([&] { return (net->forward(x) - x).abs().mean(); });
  for (size_t i = 0; i < trimmed.size(); ++i) EXPECT_TRUE(torch::allclose(trimmed[i], by_hand[i], 1e-5, 1e-7));
  EXPECT_FALSE(torch::allclose(trimmed[0], untrimmed[0], 1e-5, 1e-7));
  // Evaluation does not trim.
  net->eval();
  torch::NoGradGuard no_grad;
  EXPECT_NEAR(objective(x).total.item<double>(), rows.mean().item<double>(), 1e-6);
}

TEST(Objective, TrimOnATableRanksRowsByTheirMeanOverPresentCells) {
  torch::manual_seed(4);
  // Two numeric columns and a categorical one of 3 levels; row 0 misses its first cell.
  auto data = torch::tensor({{0.1f, 1.0f, 0.f}, {NAN, 2.0f, 1.f}, {0.3f, -1.0f, 2.f}, {2.0f, 0.5f, 1.f}});
  const auto coding = TableCoding::fit("none", data, {{}, {}, {"a", "b", "c"}});
  const auto learner = autoencoder(parse_network("input() + dense(2) + output()"));
  nn::AutoencoderNet net(learner.network, coding.width());
  Objective trimmed(learner, net, coding, /*trim=*/0.25), plain(learner, net, coding);
  net->train();
  const auto target = coding.target(data);
  const auto columns =
      coding.column_losses(net->forward(coding.fill(target)), target, ResolvedLoss("mse").table_cells());
  const auto per_row = (columns.values.sum(1) / columns.present.sum(1)).detach();
  const auto worst = std::get<1>(per_row.max(0)).item<int64_t>();
  const auto keep = torch::ones({4}, torch::kBool).index_fill_(0, torch::tensor({worst}), false);
  const double expected =
      (columns.values.detach().sum(1).masked_select(keep).sum() / columns.present.sum(1).masked_select(keep).sum())
          .item<double>();
  EXPECT_NEAR(trimmed(target).total.item<double>(), expected, 1e-6);
  EXPECT_NEAR(plain(target).total.item<double>(),
              (columns.values.detach().sum() / columns.present.sum()).item<double>(), 1e-6);
}

TEST(Objective, ATablesNumericAndCategoricalPartsAreItsColumnsSharesOfTheLoss) {
  torch::manual_seed(6);
  auto data = torch::tensor({{0.1f, 1.0f, 0.f}, {NAN, 2.0f, 1.f}, {0.3f, -1.0f, NAN}, {2.0f, 0.5f, 1.f}});
  const auto coding = TableCoding::fit("none", data, {{}, {}, {"a", "b", "c"}});
  const auto target = coding.target(data);
  const auto check = [&](const Autoencoder& learner, const std::vector<std::string>& expected_names) {
    nn::AutoencoderNet net(learner.network, coding.width());
    Objective objective(learner, net, coding);
    net->eval();
    torch::NoGradGuard no_grad;
    const auto terms = objective(target);
    std::vector<std::string> names;
    for (const auto& [name, value] : terms.parts) names.push_back(name);
    EXPECT_EQ(names, expected_names);
    EXPECT_EQ(objective.part_names(), expected_names);
    return terms;
  };
  const auto basic = autoencoder(parse_network("input() + dense(2) + output()"));
  const auto terms = check(basic, {"numeric", "categorical"});
  // Independently: the two numeric columns' squared errors and the category's
  // cross-entropy, each over the count of present cells (10 of 12).
  const auto out = terms.reconstruction;
  double numeric = 0, categorical = 0;
  for (int64_t r = 0; r < 4; ++r) {
    for (int64_t c = 0; c < 2; ++c) {
      if (!std::isnan(data[r][c].item<float>()))
        numeric += std::pow(out[r][c].item<double>() - data[r][c].item<double>(), 2);
    }
    if (!std::isnan(data[r][2].item<float>())) {
      categorical -= torch::log_softmax(out[r].narrow(0, 2, 3), 0)[data[r][2].item<int64_t>()].item<double>();
    }
  }
  EXPECT_NEAR(terms.parts[0].second.item<double>(), numeric / 10, 1e-5);
  EXPECT_NEAR(terms.parts[1].second.item<double>(), categorical / 10, 1e-5);
  EXPECT_NEAR(terms.total.item<double>(), (numeric + categorical) / 10, 1e-5);
  // Beside a penalty they follow the reconstruction they split.
  const auto sparse = check(autoencoder_sparse(parse_network("input() + dense(2, sigmoid) + output()")),
                            {"reconstruction", "numeric", "categorical", "sparsity"});
  EXPECT_NEAR(sparse.parts[1].second.item<double>() + sparse.parts[2].second.item<double>(),
              sparse.parts[0].second.item<double>(), 1e-6);
}

TEST(Objective, PenaltiesAreHistoryColumnsAndValidationStaysClean) {
  const auto data = unit_data(96, 6, 2);
  const auto validation = unit_data(32, 6, 3);
  const auto learner = make_denoising(autoencoder_sparse(parse_network("3:sigmoid:sigmoid")), noise_zeros(0.3));
  const Model model = train(learner, data, quick(3).validation_data(validation));
  const auto& last = model.history().epochs.back();
  std::vector<std::string> names;
  for (const auto& [name, value] : last.values) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"loss", "reconstruction", "sparsity", "val_loss", "val_reconstruction",
                                             "val_sparsity"}));
  EXPECT_NEAR(last.value("loss"), last.value("reconstruction") + last.value("sparsity"), 1e-6);
  // Validation uses the clean data, so it is exactly what evaluate() reports.
  EXPECT_NEAR(last.value("val_reconstruction"), model.evaluate(validation).at("mse"), 1e-6);
}

TEST(VariantBehaviour, SparseCodesAreLessActiveThanBasicOnes) {
  const auto data = unit_data(256, 8, 4);
  const auto net = parse_network("input() + dense(6, sigmoid) + output(sigmoid)");
  const Model basic = train(autoencoder(net), data, quick(60));
  const Model sparse = train(autoencoder_sparse(net, "mse", 0.05, 1.0), data, quick(60));
  const double basic_mean = basic.encode(data).mean().item<double>();
  const double sparse_mean = sparse.encode(data).mean().item<double>();
  EXPECT_LT(sparse_mean, 0.5 * basic_mean) << "basic " << basic_mean << ", sparse " << sparse_mean;
  EXPECT_LT(sparse_mean, 0.15);
}

TEST(VariantBehaviour, DenoisingReconstructsCorruptedInputsCloserToTheCleanOnes) {
  // An overcomplete linear code: the basic AE can copy the noise through, the
  // denoising AE learns to remove it.
  const auto [data, test] = train_and_test(512, 256, 10, 5);
  const auto net = parse_network("input() + dense(10) + output()");
  const auto filter = noise_gaussian(0.2);
  const Model basic = train(autoencoder(net), data, quick(60));
  const Model denoising = train(autoencoder_denoising(net, "mse", filter), data, quick(60));
  torch::manual_seed(99);
  const auto corrupted = apply_noise(filter, test);
  const double basic_error = (basic.reconstruct(corrupted) - test).square().mean().item<double>();
  const double denoising_error = (denoising.reconstruct(corrupted) - test).square().mean().item<double>();
  EXPECT_LT(denoising_error, 0.7 * basic_error) << "basic " << basic_error << ", denoising " << denoising_error;
}

TEST(VariantBehaviour, RobustIgnoresOutlierRowsThatPullTheBasicAutoencoder) {
  auto [data, test] = train_and_test(400, 200, 6, 7);
  // 5% of the training rows are gross outliers.
  data.narrow(0, 0, 20).fill_(5.0);
  const auto net = parse_network("input() + dense(2) + output()");
  const Model basic = train(autoencoder(net), data, quick(80));
  const Model robust = train(autoencoder_robust(net, 0.2), data, quick(80));
  const double basic_error = basic.evaluate(test).at("mse");
  const double robust_error = robust.evaluate(test).at("mse");
  EXPECT_LT(robust_error, 0.1 * basic_error) << "basic " << basic_error << ", robust " << robust_error;
}

TEST(VariantBehaviour, TrimmingIgnoresOutlierRowsThatPullTheBasicAutoencoder) {
  auto [data, test] = train_and_test(400, 200, 6, 7);
  data.narrow(0, 0, 20).fill_(5.0);  // 5% gross outliers, as above
  const auto learner = autoencoder(parse_network("input() + dense(2) + output()"));
  const Model basic = train(learner, data, quick(80));
  const Model trimmed = train(learner, data, quick(80).trim(0.2));
  const double basic_error = basic.evaluate(test).at("mse"), trimmed_error = trimmed.evaluate(test).at("mse");
  EXPECT_LT(trimmed_error, 0.1 * basic_error) << "basic " << basic_error << ", trimmed " << trimmed_error;
  // And the outliers stand out in its scores: every one above every test row.
  EXPECT_GT(trimmed.score(data.narrow(0, 0, 20)).min().item<double>(), trimmed.score(test).max().item<double>());

  for (double share : {-0.1, 0.6}) EXPECT_THROW(train(learner, data, quick(1).trim(share)), InvalidArgument);
  EXPECT_THROW(train(autoencoder_robust(learner.network, 0.2), data, quick(1).trim(0.1)), InvalidArgument);
}

TEST(VariantBehaviour, ContractiveEncodersHaveSmallerJacobians) {
  const auto data = unit_data(256, 8, 9);
  const auto net = parse_network("input() + dense(4, tanh) + output(sigmoid)");
  const Model basic = train(autoencoder(net), data, quick(40));
  const Model contractive = train(autoencoder_contractive(net, "mse", 0.05), data, quick(40));
  auto mean_jacobian_norm = [&](const Model& model) {
    const auto input = data.clone().requires_grad_(true);
    const auto code = ModelAccess::impl(model).net->encode(input);
    return regularizers::jacobian_norms_autograd(input, code, false).mean().item<double>();
  };
  const double basic_norm = mean_jacobian_norm(basic), contractive_norm = mean_jacobian_norm(contractive);
  EXPECT_LT(contractive_norm, 0.5 * basic_norm) << "basic " << basic_norm << ", contractive " << contractive_norm;
}

TEST(VariantBehaviour, DeepContractiveEncodersTrainThroughAutograd) {
  const auto data = unit_data(128, 6, 10);
  const auto learner =
      autoencoder_contractive(parse_network("input() + dense(5, tanh) + dense(2, tanh) + output()"), "mse", 0.01);
  const Model model = train(learner, data, quick(5));
  const auto& history = model.history().epochs;
  EXPECT_GT(history.back().value("contraction"), 0.0);
  EXPECT_LT(history.back().value("loss"), history.front().value("loss"));
}

}  // namespace
}  // namespace hourglass
