#include "hourglass/model/pca.hpp"

#include <algorithm>

#include "data/mapped_file.hpp"
#include "hourglass/data/dataset.hpp"
#include "hourglass/error.hpp"
#include "hourglass/runtime.hpp"

namespace hourglass {
namespace {

// Up to this many columns, PCA diagonalises the covariance matrix (at most 32 MB of
// doubles); wider data with few rows diagonalises the Gram matrix of the rows instead.
constexpr int64_t kCovarianceColumns = 2048;
constexpr int64_t kGramRows = 4096;
// Rows per pass of a streamed computation: about 16 MB of doubles.
constexpr int64_t kChunkValues = int64_t{1} << 21;

void check_columns(const at::Tensor& data, int64_t expected) {
  if (!data.defined() || data.dim() != 2 || data.size(1) != expected) {
    throw InvalidArgument("PCA: expected rows x " + std::to_string(expected) + " data, got " +
                          (data.defined() ? c10::str(data.sizes()) : "no data"));
  }
}

// The rows PCA decomposes: the data, each chunk mapped by the preprocessing when there is
// one, a chunk at a time.
struct PcaRows {
  const at::Tensor& data;
  const Pca::RowMap& preprocess;
  int64_t columns;  // after the preprocessing

  PcaRows(const at::Tensor& x, const Pca::RowMap& map)
      : data(x), preprocess(map), columns(map ? map(x.narrow(0, 0, 1)).size(1) : x.size(1)) {}
  int64_t size() const { return data.size(0); }
  int64_t chunk() const { return std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, columns)); }
  // Double data stays double; anything else is read as float.
  at::Tensor rows(int64_t first, int64_t count) const {
    auto part = data.narrow(0, first, count);
    if (preprocess) {
      part = preprocess(part);
      check_finite(part, "PCA data after preprocessing");
    }
    return part.scalar_type() == torch::kDouble ? part : part.to(torch::kFloat);
  }
  at::Tensor all() const { return rows(0, size()); }
};

// Calls visit(first_row, rows) for every chunk of rows, giving a memory map's pages back after each, so that a file
// larger than memory streams.
template <typename Visit>
void for_each_chunk(const PcaRows& x, Visit&& visit) {
  const int64_t chunk = x.chunk();
  for (int64_t first = 0; first < x.size(); first += chunk) {
    check_mapped_file(x.data);
    visit(first, x.rows(first, std::min(chunk, x.size() - first)));
    release_mapped_pages(x.data);
  }
}

at::Tensor column_mean(const PcaRows& x) {
  auto sum = torch::zeros({x.columns}, torch::kDouble);
  for_each_chunk(x, [&](int64_t, const at::Tensor& rows) { sum += rows.sum(0, false, torch::kDouble); });
  return sum / static_cast<double>(x.size());
}

// C v for the covariance C of x, in one pass over the rows: sum over chunks of
// Xc^T (Xc v), with Xc the centred rows.
at::Tensor covariance_times(const PcaRows& x, const at::Tensor& mean, const at::Tensor& v) {
  auto product = torch::zeros({x.columns, v.size(1)}, torch::kDouble);
  for_each_chunk(x, [&](int64_t, const at::Tensor& rows) {
    const auto centred = rows.to(torch::kDouble) - mean;
    product += centred.t().mm(centred.mm(v));
  });
  return product / static_cast<double>(std::max<int64_t>(x.size() - 1, 1));
}

struct Moments {
  at::Tensor mean, covariance;  // double
};

// The mean and covariance in one pass. Rows are shifted by the first chunk's mean, so
// that a large common offset costs no precision, and each chunk's product X^T X runs in
// the data's precision (for float, a third of double's time), summed across chunks in
// double: with about 2,700 rows a chunk its relative error is near 1e-6, below what a
// float model or its baseline can show.
Moments moments(const PcaRows& x) {
  at::Tensor shift, sum = torch::zeros({x.columns}, torch::kDouble);
  auto product = torch::zeros({x.columns, x.columns}, torch::kDouble);
  for_each_chunk(x, [&](int64_t, const at::Tensor& rows) {
    if (!shift.defined()) shift = rows.mean(0);
    const auto shifted = rows - shift;
    sum += shifted.sum(0, false, torch::kDouble);
    product += shifted.t().mm(shifted).to(torch::kDouble);
  });
  const auto n = static_cast<double>(x.size());
  const auto offset = sum / n;
  auto covariance = (product - n * torch::outer(offset, offset)) / std::max(n - 1, 1.0);
  return {shift.to(torch::kDouble) + offset, covariance};
}

// The sum of the columns' variances, in one pass.
double total_variance(const PcaRows& x, const at::Tensor& mean) {
  double sum = 0;
  for_each_chunk(x, [&](int64_t, const at::Tensor& rows) {
    sum += (rows.to(torch::kDouble) - mean).square().sum().item<double>();
  });
  return sum / static_cast<double>(std::max<int64_t>(x.size() - 1, 1));
}

struct Eigen {
  at::Tensor values;   // k, decreasing
  at::Tensor vectors;  // k x columns
  double total = 0;    // the sum of all the covariance's eigenvalues: its trace
};

// The exact decomposition of the covariance matrix, columns x columns.
Eigen by_covariance(const at::Tensor& covariance, int64_t k) {
  auto [values, vectors] = torch::linalg_eigh(covariance);  // ascending
  const int64_t columns = covariance.size(0);
  const auto leading = torch::arange(columns - 1, columns - 1 - k, -1);
  return {values.index_select(0, leading), vectors.index_select(1, leading).t(), covariance.trace().item<double>()};
}

// Fewer rows than columns: the Gram matrix G = Xc Xc^T (rows x rows) has the same
// nonzero eigenvalues as Xc^T Xc, and its eigenvector u gives the component Xc^T u / |.|.
Eigen by_gram(const PcaRows& x, const at::Tensor& mean, int64_t k) {
  const auto centred = x.all().to(torch::kDouble) - mean;
  const auto gram = centred.mm(centred.t());
  auto [values, vectors] = torch::linalg_eigh(gram);
  const int64_t n = x.size();
  // Centring leaves at most n - 1 directions with variance; the others give no component.
  const double floor = 1e-10 * std::max(values[n - 1].item<double>(), 1e-300);
  int64_t usable = 0;
  while (usable < std::min(k, n) && values[n - 1 - usable].item<double>() > floor) ++usable;
  const auto leading = torch::arange(n - 1, n - 1 - usable, -1);
  auto components = centred.t().mm(vectors.index_select(1, leading)).t();  // usable x columns
  components = components / components.norm(2, 1, true);
  const auto denominator = static_cast<double>(std::max<int64_t>(n - 1, 1));
  return {values.index_select(0, leading) / denominator, components, gram.trace().item<double>() / denominator};
}

// Many rows and many columns: a randomized block power method on the covariance
// operator (Halko, Martinsson and Tropp 2011), never forming it: each iteration is one
// streamed pass over the rows. Oversampling and iterations make the leading k
// components exact to well below float precision when the spectrum has any gap.
Eigen by_randomized(const PcaRows& x, const at::Tensor& mean, int64_t k) {
  const int64_t block = std::min<int64_t>(x.columns, k + 10);
  auto generator = at::detail::createCPUGenerator(0x5eed);  // the same components every run
  auto basis = std::get<0>(torch::linalg_qr(torch::randn({x.columns, block}, generator, torch::kDouble)));
  constexpr int kIterations = 6;
  for (int i = 0; i < kIterations; ++i) {
    basis = std::get<0>(torch::linalg_qr(covariance_times(x, mean, basis)));
  }
  const auto projected = basis.t().mm(covariance_times(x, mean, basis));  // block x block
  auto [values, vectors] = torch::linalg_eigh((projected + projected.t()) / 2);
  const auto leading = torch::arange(block - 1, block - 1 - k, -1);
  return {values.index_select(0, leading), basis.mm(vectors.index_select(1, leading)).t(), total_variance(x, mean)};
}

}  // namespace

const char* Pca::solver_for(int64_t rows, int64_t columns) {
  if (columns <= kCovarianceColumns) return "covariance";
  if (rows < columns && rows <= kGramRows) return "gram";
  return "randomized";
}

Pca Pca::fit(const at::Tensor& data, int64_t k, const std::string& requested, const RowMap& preprocess) {
  init_runtime();
  if (!data.defined() || data.dim() != 2 || data.size(0) < 1) {
    throw InvalidArgument("PCA: expected a 2-D tensor with at least one row");
  }
  if (!preprocess) check_finite(data, "PCA data");
  const PcaRows x(data, preprocess);
  const int64_t rows = x.size(), columns = x.columns;
  if (k < 1 || k > columns) {
    throw InvalidArgument("PCA: k must be between 1 and the " + std::to_string(columns) + " columns of the data, got " +
                          std::to_string(k));
  }
  const std::string solver = requested == "auto" ? solver_for(rows, columns) : requested;
  if (solver != "covariance" && solver != "gram" && solver != "randomized") {
    throw InvalidArgument("PCA: unknown solver '" + requested + "' (valid: auto, covariance, gram, randomized)");
  }
  at::Tensor mean;
  Eigen eigen;
  if (solver == "covariance") {
    auto [centre, covariance] = moments(x);
    mean = centre;
    eigen = by_covariance(covariance, k);
  } else {
    mean = column_mean(x);
    eigen = solver == "gram" ? by_gram(x, mean, k) : by_randomized(x, mean, k);
  }
  const int64_t found = eigen.values.size(0);
  if (found < k) {
    // Beyond the data's rank any directions orthogonal to it do; their variance is 0.
    auto generator = at::detail::createCPUGenerator(0x5eed);
    auto extra = torch::randn({k - found, columns}, generator, torch::kDouble);
    for (int i = 0; i < 2; ++i) extra = extra - extra.mm(eigen.vectors.t()).mm(eigen.vectors);
    extra = std::get<0>(torch::linalg_qr(extra.t())).t();
    eigen.values = torch::cat({eigen.values, torch::zeros({k - found}, torch::kDouble)});
    eigen.vectors = torch::cat({eigen.vectors, extra});
  }
  // Each component's largest entry is positive: results do not depend on the solver's signs.
  auto components = eigen.vectors;
  const auto largest = components.abs().argmax(1, true);
  components = components * components.gather(1, largest).sign();
  Pca p;
  p.mean_ = mean.to(torch::kFloat);
  p.components_ = components.to(torch::kFloat).contiguous();
  p.explained_variance_ = eigen.values.clamp_min(0).to(torch::kFloat);
  p.total_variance_ = eigen.total;
  // What reconstruction leaves: the variance off the components, per cell, with the
  // mean of squares over n rows where the variance divides by n - 1.
  const double left = std::max(0.0, eigen.total - eigen.values.clamp_min(0).sum().item<double>());
  p.fitted_mse_ = left * static_cast<double>(std::max<int64_t>(rows - 1, 1)) / static_cast<double>(rows * columns);
  return p;
}

at::Tensor Pca::encode(const at::Tensor& data) const {
  check_columns(data, mean_.size(0));
  const int64_t rows = data.size(0), chunk = std::max<int64_t>(1, kChunkValues / std::max<int64_t>(1, data.size(1)));
  const auto encode_rows = [&](const at::Tensor& part) { return (part.to(torch::kFloat) - mean_).mm(components_.t()); };
  if (rows <= chunk) return encode_rows(data);
  auto codes = torch::empty({rows, k()}, torch::kFloat);
  for (int64_t first = 0; first < rows; first += chunk) {
    check_mapped_file(data);
    const int64_t count = std::min(chunk, rows - first);
    codes.narrow(0, first, count).copy_(encode_rows(data.narrow(0, first, count)));
    release_mapped_pages(data);
  }
  return codes;
}

at::Tensor Pca::decode(const at::Tensor& codes) const {
  check_columns(codes, k());
  return codes.to(torch::kFloat).mm(components_) + mean_;
}

Pca pca(const at::Tensor& data, int64_t k) { return Pca::fit(data, k); }

}  // namespace hourglass
