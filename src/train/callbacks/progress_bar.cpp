#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "hourglass/model/model.hpp"
#include "hourglass/train/callbacks.hpp"
#include "hourglass/variants/autoencoder.hpp"

namespace hourglass {
namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::string minutes_seconds(double seconds) {
  char buffer[32];
  const auto s = static_cast<long long>(seconds + 0.5);
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld", s / 60, s % 60);
  return buffer;
}

}  // namespace

ProgressBar::ProgressBar(ProgressBarOptions options) : options_(options) {}

void ProgressBar::on_train_begin(Trainer& trainer) {
  terminal_ = isatty(STDERR_FILENO) == 1;
  if (options_.summary()) std::cerr << trainer.learner().to_string() << trainer.model().summary();
  const int64_t done = static_cast<int64_t>(trainer.history().epochs.size());
  if (done > 0) std::cerr << "Continuing after epoch " << done << '\n';
}

void ProgressBar::on_epoch_begin(Trainer&, int64_t) { epoch_start_ = last_draw_ = now(); }

// The bar is redrawn at most ten times a second: reading the loss waits for the batch.
void ProgressBar::on_batch_end(Trainer& trainer, const BatchLogs& logs) {
  if (!terminal_) return;
  const double t = now();
  const int64_t total = trainer.batches_per_epoch();
  if (t - last_draw_ < 0.1 && logs.batch < total) return;
  last_draw_ = t;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * logs.batch / std::max<int64_t>(total, 1));
  const double eta = (t - epoch_start_) / static_cast<double>(logs.batch) * static_cast<double>(total - logs.batch);
  std::string bar(kWidth, '.');
  for (int i = 0; i < filled; ++i) bar[i] = '=';
  if (filled < kWidth) bar[filled] = '>';
  char line[160];
  std::snprintf(line, sizeof line, "\rEpoch %lld/%lld [%s] %lld/%lld - ETA %s - loss: %.4g\033[K",
                static_cast<long long>(logs.epoch), static_cast<long long>(trainer.final_epoch()), bar.c_str(),
                static_cast<long long>(logs.batch), static_cast<long long>(total), minutes_seconds(eta).c_str(),
                logs.loss.item<double>());
  std::cerr << line << std::flush;
}

void ProgressBar::on_epoch_end(Trainer& trainer, EpochRecord& logs) {
  if (terminal_) std::cerr << "\r\033[K";
  std::cerr << format_progress(logs, trainer.final_epoch()) << '\n';
}

void ProgressBar::on_train_end(Trainer&, const TrainEnd& end) {
  if (!end.stop_reason.empty()) std::cerr << "Stopped: " << end.stop_reason << '\n';
}

}  // namespace hourglass
