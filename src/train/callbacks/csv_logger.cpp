#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/runtime.hpp"
#include "hourglass/train/callbacks.hpp"

namespace hourglass {

CSVLogger::CSVLogger(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw InvalidArgument("CSVLogger: give the file to write, e.g. history.csv");
}

// The whole history each time, atomically: the file always holds every epoch so far,
// those of earlier training of the model included.
void CSVLogger::on_epoch_end(Trainer& trainer, EpochRecord& logs) {
  History history = trainer.history();
  history.epochs.push_back(logs);
  try {
    write_file_atomically(path_, history.to_csv());
  } catch (const Error& e) {
    if (!warned_) warn(std::string("could not write the history (") + e.what() + "); training goes on");
    warned_ = true;
  }
}

}  // namespace hourglass
