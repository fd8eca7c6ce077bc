// Anomaly detection, the README's walk-through: train on versicolor and virginica, keep a
// threshold in the model, and find the setosa among new rows.
//
//   example_anomaly [iris.csv] [epochs] [model file]
#include <ATen/ATen.h>  // tensor arithmetic (the Hourglass headers declare tensors only)

#include <hourglass/hourglass.hpp>
#include <iomanip>
#include <iostream>

using namespace hourglass;

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : "data/iris.csv";
  const int64_t epochs = argc > 2 ? std::stoll(argv[2]) : 200;
  const std::string model_path = argc > 3 ? argv[3] : "iris-anomaly.hgm";

  // iris.csv holds 50 setosa, then 50 versicolor, then 50 virginica.
  const Dataset iris = read_data(path, ReadOptions().label("Species"));
  const at::Tensor x = iris.features;
  const auto rows = [&](std::initializer_list<std::pair<int64_t, int64_t>> ranges) {
    std::vector<at::Tensor> parts;
    for (auto [first, last] : ranges) parts.push_back(x.narrow(0, first, last - first));
    return at::cat(parts);
  };
  // Training: 80 normal rows. New: the 20 other normal rows and 10 setosa.
  const at::Tensor training = rows({{50, 90}, {100, 140}});
  const at::Tensor fresh = rows({{90, 100}, {140, 150}, {40, 50}});
  const at::Tensor truth = at::cat({at::zeros({20}), at::ones({10})});

  Model model = train(autoencoder(input() + dense(8, "tanh") + dense(2) + dense(8, "tanh") + output()), training,
                      TrainOptions().epochs(epochs).optimizer("adam").learning_rate(0.01).scale("zscore").seed(7));
  model.set_threshold(training, "contamination:0.05");  // PyOD's rule: the 95th percentile
  model.save(model_path);

  const Model loaded = Model::load(model_path);  // the threshold travels in the file
  const at::Tensor scores = loaded.score(fresh);
  const at::Tensor flagged = loaded.is_outlier(fresh);
  const Confusion counts = confusion(flagged, truth);
  std::cout << std::setprecision(4) << "threshold " << loaded.threshold()->value << " (" << loaded.threshold()->rule
            << ")\nnew rows: AUC-ROC " << roc_auc(scores, truth) << ", average precision "
            << average_precision(scores, truth) << ", F1 " << counts.f1() << " (" << counts.true_positives
            << " of 10 setosa flagged, " << counts.false_positives << " of 20 normal rows)\n";

  // Which measurements make the strangest row strange: its score's shares.
  const int64_t worst = scores.argmax().item<int64_t>();
  const at::Tensor shares = loaded.score_per_feature(fresh)[worst];
  std::cout << "strangest new row " << worst + 1 << ", score " << scores[worst].item<double>() << ":";
  for (size_t j = 0; j < iris.columns.size(); ++j)
    std::cout << ' ' << iris.columns[j] << ' ' << shares[j].item<double>();
  std::cout << '\n';

  // A rule that needs no guess of the contamination.
  Model robust = loaded;
  robust.set_threshold(training, "mad:3");
  std::cout << "mad:3 threshold " << robust.threshold()->value << " flags "
            << robust.is_outlier(fresh).sum().item<int64_t>() << " new rows\n";
  return torch::equal(flagged, model.is_outlier(fresh)) ? 0 : 1;
} catch (const hourglass::Error& e) {
  std::cerr << "example_anomaly: " << e.what() << '\n';
  return 2;
}
