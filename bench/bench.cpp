// Hourglass's side of the benchmark suite (bench/run.py runs it against bench/peer.py).
// Each command prints one JSON object on stdout.
//
//   hourglass_bench train  MODEL MNIST_DIR EPOCHS ROWS [fp32|bf16] [BATCH] [WIDTH]
//       MODEL: dense (seed 003), conv (ruta's conv example), vae (seed 000), lstm (seed
//       002's sine waves through a 3-unit LSTM code; MNIST_DIR is not read).
//       {"epoch_seconds": [...], "samples_per_second": s, "test_mse": m, "gflops": g}
//   hourglass_bench gemm   N [fp32|bf16] [SECONDS]
//       {"gflops": g}: an N x N x N product through LibTorch (OpenBLAS or oneDNN).
//   hourglass_bench npy    FILE.npy EPOCHS
//       trains the dense model on a memory-mapped .npy: {"epoch_seconds": [...], "peak_rss_mb": r}
//   hourglass_bench pca    ROWS COLUMNS K [SOLVER]
//       PCA of random low-rank data (SOLVER auto, covariance, gram or randomized):
//       {"seconds": s, "peak_rss_mb": r, "solver": "gram", "variance": v}
//   hourglass_bench baseline MNIST_DIR [EPOCHS]
//       benchmark 1's network trained as `train dense` does, then the PCA baseline
//       `hourglass train` prints (compare_with_pca) and the PCA `hourglass pca --dim 10`
//       computes (Pca::fit and encode, every row), each timed in this process:
//       {"epoch_seconds": [...], "baseline_seconds": b, "pca_seconds": p, "baseline_share": b / epoch}
//   hourglass_bench score  MODEL.hgm DATA [REPEATS]
//       Model::score on DATA already in memory, the median of REPEATS (default 5) after
//       one warm-up: {"rows": n, "seconds": s, "rows_per_second": r}
#include <sys/resource.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <hourglass/hourglass.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace hourglass;

namespace {

struct Workload {
  Autoencoder learner;
  double flops_per_sample = 0;  // forward and backward matrix products; 0 when not counted
};

// 2 FLOPs per multiply-add: forward x W, then the weight gradient and (for every layer
// but the first, whose input needs none) the input gradient.
double dense_flops(const std::vector<int64_t>& widths) {
  double forward = 0, input_gradients = 0;
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    const double products = 2.0 * static_cast<double>(widths[i] * widths[i + 1]);
    forward += products;
    if (i > 0) input_gradients += products;
  }
  return 2 * forward + input_gradients;
}

constexpr int64_t kWaveSteps = 101;

// Seed 002's sine waves, amplitude * sin(x * frequency - phase) at x = 0..100, scaled by
// 1/10 into [-1, 1]. The parameters come from fractional parts of multiples of
// irrational numbers, not a random generator, so that bench/peer.py makes the same waves.
at::Tensor sine_waves(int64_t rows, int64_t first) {
  const auto fraction = [](double v) { return v - std::floor(v); };
  auto waves = torch::empty({rows, kWaveSteps});
  auto w = waves.accessor<float, 2>();
  for (int64_t i = 0; i < rows; ++i) {
    const auto n = static_cast<double>(first + i + 1);
    const double phase = 100 * fraction(n * 0.6180339887), frequency = 0.03 + 0.47 * fraction(n * 0.7548776662),
                 amplitude = 0.1 + 9.9 * fraction(n * 0.5698402910);
    for (int64_t x = 0; x < kWaveSteps; ++x) {
      w[i][x] = static_cast<float>(amplitude * std::sin(static_cast<double>(x) * frequency - phase) / 10);
    }
  }
  return waves;
}

Workload workload(const std::string& model, int64_t width) {
  if (model == "dense") {
    const Network network =
        input() + dense(width, "relu") + dense(10, "relu") + dense(width, "relu") + output("sigmoid");
    return {autoencoder(network, "mse"), dense_flops({784, width, 10, width, 784})};
  }
  if (model == "conv") {
    const Network network = input() + conv(16, 3, "relu", ConvOptions().max_pooling(2)) +
                            conv(8, 3, "relu", ConvOptions().max_pooling(2)) +
                            conv(8, 3, "relu", ConvOptions().upsampling(2)) +
                            conv(16, 3, "relu", ConvOptions().upsampling(2)) + conv(1, 3, "sigmoid");
    return {autoencoder(network, "bce"), 0};
  }
  if (model == "vae") {
    const Network network = input() + dense(256, "elu") + variational(10) + dense(256, "elu") + output("sigmoid");
    return {autoencoder_variational(network, "bce"), 0};
  }
  if (model == "lstm") {
    const Network network =
        input() + lstm(32, "tanh", true) + lstm(3) + repeat_vector(kWaveSteps) + lstm(32, "tanh", true) + output();
    return {autoencoder(network, "mse"), 0};
  }
  throw InvalidArgument("model must be dense, conv, vae or lstm, got '" + model + "'");
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The first epoch warms up caches and thread pools; the others are the steady state.
double steady_median(const std::vector<double>& epoch_seconds) {
  return epoch_seconds.size() > 1 ? median({epoch_seconds.begin() + 1, epoch_seconds.end()}) : epoch_seconds[0];
}

std::string json_list(const std::vector<double>& values) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  return out.str() + ']';
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// MNIST's training images repeated (or cut) to `rows`, so that the scaling runs can go
// beyond 60000 rows with real pixels.
at::Tensor training_rows(const std::string& folder, int64_t rows) {
  const auto mnist = read_data(folder + "/train-images-idx3-ubyte.gz").samples();
  const int64_t copies = (rows + mnist.size(0) - 1) / mnist.size(0);
  return (copies > 1 ? mnist.repeat({copies, 1, 1, 1}) : mnist).narrow(0, 0, rows).contiguous();
}

TrainOptions bench_options(int64_t epochs, int64_t batch, const std::string& precision) {
  return TrainOptions().epochs(epochs).batch_size(batch).optimizer("adam").learning_rate(1e-3).seed(1).precision(
      precision);
}

// Records each epoch's seconds.
Callbacks timing(std::vector<double>& epoch_seconds) {
  LambdaCallback callback;
  callback.epoch_end = [&epoch_seconds](Trainer&, EpochRecord& record) { epoch_seconds.push_back(record.seconds); };
  return {callback};
}

int train_command(const std::vector<std::string>& args) {
  if (args.size() < 4) throw InvalidArgument("train MODEL MNIST_DIR EPOCHS ROWS [fp32|bf16] [BATCH] [WIDTH]");
  const std::string model_name = args[0], folder = args[1];
  const int64_t epochs = std::stoll(args[2]), rows = std::stoll(args[3]);
  const std::string precision = args.size() > 4 ? args[4] : "fp32";
  const int64_t batch = args.size() > 5 ? std::stoll(args[5]) : 128;
  const int64_t width = args.size() > 6 ? std::stoll(args[6]) : 392;

  const auto work = workload(model_name, width);
  const bool waves = model_name == "lstm";
  const auto data = waves ? sine_waves(rows, 0) : training_rows(folder, rows);
  std::vector<double> epoch_seconds;
  const Model model =
      train(work.learner, data, bench_options(epochs, batch, precision).scale(waves ? "none" : "minmax"),
            timing(epoch_seconds));
  const auto test = waves ? sine_waves(1000, rows) : read_data(folder + "/t10k-images-idx3-ubyte.gz").samples();
  const double samples_per_second = static_cast<double>(rows) / steady_median(epoch_seconds);
  std::cout << "{\"epoch_seconds\": " << json_list(epoch_seconds) << ", \"samples_per_second\": " << samples_per_second
            << ", \"test_mse\": " << model.evaluate(test).at("mse")
            << ", \"gflops\": " << samples_per_second * work.flops_per_sample / 1e9 << ", \"threads\": " << threads()
            << "}\n";
  return 0;
}

int gemm_command(const std::vector<std::string>& args) {
  if (args.empty()) throw InvalidArgument("gemm N [fp32|bf16] [SECONDS]");
  init_runtime();
  const int64_t n = std::stoll(args[0]);
  const auto dtype = args.size() > 1 && args[1] == "bf16" ? torch::kBFloat16 : torch::kFloat;
  const double seconds = args.size() > 2 ? std::stod(args[2]) : 1.0;
  const auto a = torch::randn({n, n}).to(dtype), b = torch::randn({n, n}).to(dtype);
  auto c = torch::mm(a, b);
  for (int i = 0; i < 3; ++i) torch::mm_out(c, a, b);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int64_t products = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    torch::mm_out(c, a, b);
    ++products;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  std::cout << "{\"gflops\": " << 2.0 * n * n * n * products / elapsed / 1e9 << "}\n";
  return 0;
}

int npy_command(const std::vector<std::string>& args) {
  if (args.size() < 2) throw InvalidArgument("npy FILE.npy EPOCHS");
  const auto data = read_data(args[0], ReadOptions().memory_map(true));
  std::vector<double> epoch_seconds;
  train(workload("dense", 392).learner, data.features, bench_options(std::stoll(args[1]), 128, "fp32"),
        timing(epoch_seconds));
  std::cout << "{\"epoch_seconds\": " << json_list(epoch_seconds) << ", \"rows\": " << data.rows()
            << ", \"peak_rss_mb\": " << peak_rss_mb() << "}\n";
  return 0;
}

int pca_command(const std::vector<std::string>& args) {
  if (args.size() < 3) throw InvalidArgument("pca ROWS COLUMNS K [SOLVER]");
  const std::string solver = args.size() > 3 ? args[3] : "auto";
  init_runtime();
  const int64_t rows = std::stoll(args[0]), columns = std::stoll(args[1]), k = std::stoll(args[2]);
  auto generator = at::detail::createCPUGenerator(1);
  const auto data = torch::randn({rows, 20}, generator).mm(torch::randn({20, columns}, generator)) +
                    0.1 * torch::randn({rows, columns}, generator);
  const auto start = std::chrono::steady_clock::now();
  const Pca p = Pca::fit(data, k, solver);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "{\"seconds\": " << seconds << ", \"peak_rss_mb\": " << peak_rss_mb() << ", \"solver\": \""
            << (solver == "auto" ? Pca::solver_for(rows, columns) : solver)
            << "\", \"variance\": " << p.explained_variance().sum().item<double>() << "}\n";
  return 0;
}

double seconds_of(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int baseline_command(const std::vector<std::string>& args) {
  if (args.empty()) throw InvalidArgument("baseline MNIST_DIR [EPOCHS]");
  const auto data = training_rows(args[0], 60000);
  std::vector<double> epoch_seconds;
  const Model model = train(workload("dense", 392).learner, data,
                            bench_options(args.size() > 1 ? std::stoll(args[1]) : 2, 128, "fp32").scale("minmax"),
                            timing(epoch_seconds));
  const auto rows = data.reshape({data.size(0), -1});
  std::vector<double> baseline, principal;
  for (int i = 0; i < 3; ++i) {
    baseline.push_back(seconds_of([&] { compare_with_pca(model, rows); }));
    principal.push_back(seconds_of([&] { Pca::fit(rows, 10).encode(rows); }));
  }
  const double epoch = steady_median(epoch_seconds), b = steady_median(baseline);
  std::cout << "{\"epoch_seconds\": " << json_list(epoch_seconds) << ", \"baseline_seconds\": " << b
            << ", \"pca_seconds\": " << steady_median(principal) << ", \"baseline_share\": " << b / epoch
            << ", \"pca_share\": " << steady_median(principal) / epoch << "}\n";
  return 0;
}

// The median of `repeats` runs of `work`, after one more to warm up (first-touch
// allocations, OpenMP's threads).
double median_seconds(const std::function<void()>& work, int repeats) {
  work();
  std::vector<double> seconds;
  for (int i = 0; i < repeats; ++i) seconds.push_back(seconds_of(work));
  return median(seconds);
}

int score_command(const std::vector<std::string>& args) {
  if (args.size() < 2) throw InvalidArgument("score MODEL.hgm DATA [REPEATS]");
  const Model model = Model::load(args[0]);
  const auto data = read_data(args[1]).features;
  const int repeats = args.size() > 2 ? std::stoi(args[2]) : 5;
  const double median = median_seconds([&] { model.score(data); }, repeats);
  std::cout << "{\"rows\": " << data.size(0) << ", \"seconds\": " << median
            << ", \"rows_per_second\": " << static_cast<double>(data.size(0)) / median << "}\n";
  return 0;
}

// Rows per second of Model::encode and Model::score on rows in memory, on THREADS
// threads, each the median of REPEATS after a warm-up (bench/inference.py compares them
// with ONNX Runtime running the exported model).
int infer_command(const std::vector<std::string>& args) {
  if (args.size() < 3) throw InvalidArgument("infer MODEL.hgm DATA THREADS [REPEATS]");
  set_threads(std::stoi(args[2]));
  const Model model = Model::load(args[0]);
  const auto data = read_data(args[1]).features;
  const int repeats = args.size() > 3 ? std::stoi(args[3]) : 5;
  const auto rate = [&](const std::function<void()>& run) {
    return static_cast<double>(data.size(0)) / median_seconds(run, repeats);
  };
  const double encode = rate([&] { model.encode(data); });
  const double score = rate([&] { model.score(data); });
  std::cout << "{\"rows\": " << data.size(0) << ", \"threads\": " << threads()
            << ", \"encode_rows_per_second\": " << encode << ", \"score_rows_per_second\": " << score << "}\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  hourglass::keep_freed_memory();  // as the hourglass command does (runtime.hpp)
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "train") return train_command(args);
  if (command == "gemm") return gemm_command(args);
  if (command == "npy") return npy_command(args);
  if (command == "pca") return pca_command(args);
  if (command == "score") return score_command(args);
  if (command == "baseline") return baseline_command(args);
  if (command == "infer") return infer_command(args);
  std::cerr << "usage: hourglass_bench train|gemm|npy|pca|score|baseline|infer ... (see bench/bench.cpp)\n";
  return 2;
} catch (const std::exception& e) {
  std::cerr << "hourglass_bench: " << e.what() << '\n';
  return 2;
}
