// The command under hostile conditions (issue 15): signals, files changing underneath,
// outputs that are inputs, requests that cannot fit. Real processes and real signals.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "hourglass/hourglass.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace hourglass {
namespace {

using namespace hourglass::testing;  // NOLINT: the helpers every test here uses

// The exit status of a run sent `signals` (e.g. "TERM", or "INT; sleep 0.05; kill -INT
// $pid") once `started` (a history CSV the run writes) has its first epoch.
int status_after_signals(const std::string& arguments, const std::string& started, const std::string& signals) {
  return status_after_event(arguments, started, "kill -" + signals + " $pid", temp_path("signal.err"));
}

std::string long_training(const std::string& model, const std::string& history) {
  return "train " + kIris + " --label Species --network 2 --epochs 1000000 --batch-size 1 --quiet --history-csv " +
         history + " -o " + model;
}

TEST(Reliability, SigtermAndSighupSaveTheModelAndExitWith128PlusTheSignal) {
  for (const auto& [signal, expected] : {std::pair<std::string, int>{"TERM", 143}, {"HUP", 129}}) {
    const std::string model = temp_path("signal-" + signal + ".hgm"), history = temp_path("signal-" + signal + ".csv");
    std::remove(history.c_str());
    EXPECT_EQ(status_after_signals(long_training(model, history), history, signal), expected) << signal;
    EXPECT_NE(slurp(temp_path("signal.err")).find("interrupted by SIG" + signal + ": saved the model"),
              std::string::npos)
        << slurp(temp_path("signal.err"));
    const Model saved = Model::load(model);
    EXPECT_GE(saved.history().epochs.size(), 1u);
    EXPECT_EQ(saved.history().stop_reason.rfind("interrupted", 0), 0u) << saved.history().stop_reason;
  }
}

TEST(Reliability, ASecondCtrlCWaitsForTheSave) {
  const std::string folder = temp_path("twice");
  ASSERT_EQ(std::system(("rm -rf " + folder + " && mkdir " + folder).c_str()), 0);
  const std::string model = folder + "/model.hgm", history = folder + "/history.csv";
  const std::string checkpoint = folder + "/run.ckpt";
  const int status = status_after_signals(long_training(model, history) + " --checkpoint " + checkpoint, history,
                                          "INT $pid; sleep 0.05; kill -INT $pid; sleep 0.05; kill -INT");
  EXPECT_EQ(status, 130) << slurp(temp_path("signal.err"));
  EXPECT_GE(Model::load(model).history().epochs.size(), 1u);
  EXPECT_GE(Model::load(checkpoint).history().epochs.size(), 1u);
  EXPECT_EQ(files_starting_with(folder, "."), 2) << "temporary files left";  // "." and ".."
}

TEST(Reliability, AMemoryMappedFileTruncatedDuringTrainingIsAnError) {
  const int64_t rows = 200000, columns = 8;
  const std::string npy = temp_path("shrinking.npy"), history = temp_path("shrinking.csv");
  {
    const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                               std::to_string(columns) + "), }";
    const std::string dict = header + std::string(63 - (10 + header.size()) % 64, ' ') + "\n";
    std::ofstream out(npy, std::ios::binary);
    out << std::string("\x93NUMPY\x01\x00", 8) << static_cast<char>(dict.size()) << '\0' << dict;
    const auto values = torch::randn({rows, columns});
    out.write(static_cast<const char*>(values.data_ptr()), static_cast<std::streamsize>(values.nbytes()));
  }
  const std::string err = temp_path("shrink.err");
  const int status = status_after_event("train " + npy +
                                            " --memory-map --network 2 --epochs 100000 --batch-size 4096 --quiet "
                                            "--history-csv " +
                                            history + " -o " + temp_path("shrink.hgm"),
                                        history, "truncate -s 1000 " + npy, err);
  const std::string message = slurp(err);
  EXPECT_EQ(status, 2) << message;
  EXPECT_NE(message.find("shrank"), std::string::npos) << message;
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
}

TEST(Reliability, AnOutputThatIsAnInputIsRefused) {
  const std::string data = write_text("own.csv", slurp(kIris));
  Result r = hourglass_cli("train " + data + " --label Species --network 2 --epochs 1 --quiet -o " + data);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("is this command's input"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(data), slurp(kIris));
  const std::string model = temp_path("own.hgm");
  r = hourglass_cli("train " + data + " --label Species --network 2 --epochs 1 --quiet -o " + model);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string bytes = slurp(model);
  for (const std::string& command :
       {"encode " + model + " " + data + " --label Species -o " + model,
        "encode " + model + " " + data + " --label Species -o " + data,
        "train " + data + " --label Species --network 2 --history-csv " + data + " -o " + temp_path("other.hgm")}) {
    r = hourglass_cli(command);
    EXPECT_EQ(r.status, 2) << command << ": " << r.err;
  }
  EXPECT_EQ(slurp(model), bytes);
  EXPECT_EQ(slurp(data), slurp(kIris));
  // Training a model further in place is allowed: it was read whole before the save.
  r = hourglass_cli("train " + data + " --label Species --from " + model + " --epochs 1 --quiet -o " + model);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Model::load(model).history().epochs.size(), 2u);
}

TEST(Reliability, RequestsThatCannotFitAreTheUsersErrors) {
  // An IDX file whose header announces 10 bytes but whose gzip stream inflates to 4 MB.
  const std::string bomb = temp_path("bomb.idx.gz");
  {
    gzFile out = gzopen(bomb.c_str(), "wb9");
    const std::string header("\0\0\x08\x01\0\0\0\x0a", 8);
    gzwrite(out, header.data(), static_cast<unsigned>(header.size()));
    const std::string zeros(1 << 20, '\0');
    for (int i = 0; i < 4; ++i) gzwrite(out, zeros.data(), static_cast<unsigned>(zeros.size()));
    gzclose(out);
  }
  const std::string huge_cell = write_text("huge-cell.csv", "a,b\n1," + std::string(1 << 20, 'x') + "\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"pca " + ::testing::TempDir() + " --dim 1", "it is a folder"},
      {"pca /dev/zero --dim 1", "not a regular file or a pipe"},
      {"pca " + bomb + " --dim 1", "its header announces"},
      {"train " + kIris + " --label Species --network 'input() + dense(1000000000) + output()' -o " +
           temp_path("huge.hgm"),
       "of memory"},
      {"train " + kIris + " --label Species --network 2 --seed -1 -o " + temp_path("seed.hgm"), "--seed"},
      {"train " + kIris + " --label Species --network 2 --epochs 1e23 -o " + temp_path("epochs.hgm"), "--epochs"},
      {"pca " + huge_cell + " --dim 1", "holds text (1 category)"},
  };
  for (const auto& [arguments, message] : cases) {
    const Result r = hourglass_cli(arguments);
    EXPECT_EQ(r.status, 2) << arguments << ": " << r.err.substr(0, 300);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << arguments << ": " << r.err.substr(0, 300);
    EXPECT_LT(r.err.size(), 400u) << arguments;
    EXPECT_NE(r.err.find(message), std::string::npos) << arguments << ": " << r.err.substr(0, 300);
  }
  // A batch larger than the data is the whole data, as in Keras.
  const Result r = hourglass_cli("train " + kIris + " --label Species --network 2 --epochs 1 --quiet " +
                                 "--batch-size 9223372036854775807 -o " + temp_path("batch.hgm"));
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Reliability, AFullDiskForTheHistoryOrCheckpointKeepsTheTraining) {
  const std::string model = temp_path("full-disk.hgm");
  const Result r = hourglass_cli("train " + kIris +
                                 " --label Species --network 2 --epochs 3 --quiet --history-csv /dev/full "
                                 "--checkpoint /dev/full -o " +
                                 model);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("could not write the history"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("could not write the checkpoint"), std::string::npos) << r.err;
  EXPECT_EQ(Model::load(model).history().epochs.size(), 3u);
}

TEST(Reliability, AFullDiskForStandardOutputIsAnErrorOfOneLine) {
  const std::string err = temp_path("full-stdout.err");
  for (const std::string& arguments : std::vector<std::string>{"pca " + kIris + " --label Species -k 2", "layers"}) {
    const int raw = std::system((std::string(HOURGLASS_BINARY) + " " + arguments + " > /dev/full 2> " + err).c_str());
    ASSERT_TRUE(WIFEXITED(raw));
    EXPECT_EQ(WEXITSTATUS(raw), 2) << arguments;
    const std::string message = slurp(err);
    EXPECT_EQ(message.rfind("hourglass: error: cannot write the result to standard output", 0), 0u) << message;
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;  // no result line before it
  }
}

}  // namespace
}  // namespace hourglass
