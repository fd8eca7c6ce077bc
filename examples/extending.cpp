// The two extension points, used from outside the library (docs/extending.md):
//   - a layer kind, Keras's GaussianNoise: gaussian_noise(stddev) adds N(0, stddev^2) to
//     its input in training and passes it through otherwise;
//   - a callback that logs how spread out the codes are after every epoch.
//
//   example_extending [iris.csv] [epochs]
#include <ATen/ATen.h>

#include <hourglass/hourglass.hpp>
#include <hourglass/nn/module_builder.hpp>
#include <iostream>

using namespace hourglass;

class GaussianNoiseKind : public LayerKind {
 public:
  GaussianNoiseKind()
      : LayerKind("gaussian_noise", "adds N(0, stddev^2) noise in training (Keras's GaussianNoise)",
                  {Parameter::number("stddev", "standard deviation of the noise").at_least(0)}) {}
  Shape output_shape(const Layer&, const Shape& in, const ShapeCheck&) const override { return in; }
  void build(ModuleBuilder& builder, const Layer& layer, const Shape&, const Shape&) const override {
    struct NoiseImpl : torch::nn::Module {
      explicit NoiseImpl(double stddev) : stddev(stddev) {}
      torch::Tensor forward(const torch::Tensor& x) { return is_training() ? x + torch::randn_like(x) * stddev : x; }
      double stddev;
    };
    builder.add(torch::nn::AnyModule(std::make_shared<NoiseImpl>(layer.number("stddev"))));
  }
};

// Adds "code_sd", the standard deviation of the codes of `data`, to every epoch's logs.
class CodeSpread : public Callback {
 public:
  explicit CodeSpread(at::Tensor data) : data_(std::move(data)) {}
  std::string name() const override { return "CodeSpread"; }
  void on_epoch_end(Trainer& trainer, EpochRecord& logs) override {
    logs.values.emplace_back("code_sd", trainer.model().encode(data_).std().item<double>());
  }

 private:
  at::Tensor data_;
};

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : "data/iris.csv";
  const int64_t epochs = argc > 2 ? std::stoll(argv[2]) : 50;
  register_layer_kind(std::make_shared<GaussianNoiseKind>());

  const Dataset iris = read_data(path, ReadOptions().label("Species"));
  const Network network =
      parse_network("input() + gaussian_noise(0.1) + dense(8, tanh) + dense(2) + dense(8, tanh) + output()");
  std::cout << network.summary(iris.features.size(1));
  const Model model = train(autoencoder(network), iris.features,
                            TrainOptions().epochs(epochs).optimizer("adam").learning_rate(0.01).scale("zscore").seed(1),
                            {CodeSpread(iris.features)});
  const auto& last = model.history().epochs.back();
  std::cout << "epoch " << last.epoch << ": loss " << last.value("loss") << ", code_sd " << last.value("code_sd")
            << '\n';
  return 0;
} catch (const hourglass::Error& e) {
  std::cerr << "example_extending: " << e.what() << '\n';
  return 2;
}
