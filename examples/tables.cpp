// A table as it is: the 1984 US House votes (mlbench's HouseVotes84, data/house_votes.csv),
// sixteen y/n votes per member with 392 missing cells. The autoencoder reads the votes as
// categories, learns from the present ones, is compared with PCA on the same one-hot
// coding, and fills the holes.
//
//   example_tables data/house_votes.csv 60 filled.csv
#include <hourglass/hourglass.hpp>
#include <torch/torch.h>

#include <iostream>
#include <string>

using namespace hourglass;

namespace {

// The share of the present categorical cells whose level comes back.
double categories_right(const at::Tensor& guess, const at::Tensor& data) {
  const auto present = data.isnan().logical_not();
  return (guess == data).masked_select(present).to(torch::kDouble).mean().item<double>();
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : "data/house_votes.csv";
  const int64_t epochs = argc > 2 ? std::stoll(argv[2]) : 60;
  const std::string filled_path = argc > 3 ? argv[3] : "filled.csv";

  const Dataset votes = read_data(path, ReadOptions().label("Class"));
  std::cout << votes.rows() << " rows, " << votes.cols() << " categorical columns, "
            << votes.features.isnan().sum().item<int64_t>() << " missing cells\n";

  const Model model = train(autoencoder("16,3:tanh"), votes,
                            TrainOptions().epochs(epochs).batch_size(16).optimizer("adam").learning_rate(0.01).seed(1));
  // PCA with the same three components, on the same coding (one-hot, holes filled).
  const TableCoding& coding = model.coding();
  const auto coded = coding.transform(votes.features);
  const auto by_pca = coding.inverse_transform(pca(coded, 3).reconstruct(coded));
  std::cout << "present votes reconstructed: autoencoder " << categories_right(model.reconstruct(votes.features),
                                                                                votes.features)
            << ", PCA " << categories_right(by_pca, votes.features) << "\n";

  Dataset filled = votes;
  filled.features = model.impute(votes.features);
  write_csv(filled_path, filled);
  std::cout << "holes filled from each member's other votes: " << filled_path << "\n";
  return 0;
} catch (const hourglass::Error& e) {
  std::cerr << "example_tables: " << e.what() << "\n";
  return 2;
}
