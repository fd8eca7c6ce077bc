// Seed 001 ("Let's play with autoencoders"): iris, an 80/20 split, the tutorial's
// 150-50-25-2 autoencoder with batch norm and dropout, trained with adam on mse; the
// test reconstruction error against PCA with two components; the 2-D embedding of
// the test rows written with their species.
//
//   example_iris [iris.csv] [epochs] [embedding.csv]
#include <hourglass/hourglass.hpp>

#include <iostream>

using namespace hourglass;

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : "data/iris.csv";
  const int64_t epochs = argc > 2 ? std::stoll(argv[2]) : 100;
  const std::string embedding_path = argc > 3 ? argv[3] : "iris-embedding.csv";

  const Dataset iris = read_data(path, ReadOptions().label("Species"));
  // Every fifth row goes to the test set: 10 of each species, as a stratified 80/20 split.
  std::vector<int64_t> train_rows, test_rows;
  for (int64_t i = 0; i < iris.rows(); ++i) (i % 5 == 4 ? test_rows : train_rows).push_back(i);
  const auto pick = [&](const std::vector<int64_t>& rows) {
    return iris.features.index_select(0, torch::tensor(rows));
  };
  const at::Tensor train_x = pick(train_rows), test_x = pick(test_rows);

  const Network network = input() + dense(150, "relu") + batch_norm() + dropout(0.2) + dense(50, "relu") +
                          dropout(0.1) + dense(25, "relu") + dense(2) + dense(150, "relu") + dropout(0.2) +
                          dense(50, "relu") + dropout(0.1) + dense(25, "relu") + output();
  std::cout << network.summary(iris.cols());

  const Model model = train(autoencoder(network, "mse"), train_x,
                            TrainOptions().epochs(epochs).optimizer("adam").batch_size(16).scale("zscore")
                                .validation_data(test_x).seed(2018));
  const auto& last = model.history().epochs.back();
  std::cout << "after " << epochs << " epochs: loss " << last.value("loss") << ", val_loss "
            << last.value("val_loss") << '\n';

  const double ours = model.evaluate(test_x, {"mse"}).at("mse");
  const Pca baseline = pca(train_x, 2);
  const double theirs = (baseline.reconstruct(test_x) - test_x).square().mean().item<double>();
  std::cout << "test reconstruction MSE: autoencoder " << ours << ", PCA (k=2) " << theirs << '\n';

  std::vector<std::string> species;
  for (int64_t i : test_rows) species.push_back(iris.labels[i]);
  write_csv(embedding_path, model.encode(test_x), numbered_columns("code", 2), "Species", species);
  std::cout << "embedding of the test rows written to " << embedding_path << '\n';
  return 0;
} catch (const hourglass::Error& e) {
  std::cerr << "example_iris: " << e.what() << '\n';
  return 2;
}
