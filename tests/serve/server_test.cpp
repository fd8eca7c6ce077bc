// The web interface's server over real HTTP on 127.0.0.1: uploads, training, downloads,
// and what a hostile or broken client may send (path traversal, oversized and malformed
// bodies, unknown routes, foreign Host headers); after each, the server still answers.
#include "serve/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "hourglass/hourglass.hpp"
#include "io/json_text.hpp"
#include "support/fixtures.hpp"

namespace hourglass::serve {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const httplib::Headers kPageHeaders{{"X-Requested-With", "hourglass"}};

std::string iris_csv() { return read_file(std::string(HOURGLASS_SOURCE_DIR) + "/data/iris.csv"); }

// A server on a free loopback port in a fresh folder (inside a parent folder that must
// stay empty otherwise), stopped when the test ends.
class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    parent_ = fs::path(testing::temp_path("server"));
    fs::remove_all(parent_);
    fs::create_directories(parent_ / "work");
    server_ = std::make_unique<Server>(options.port(0).directory((parent_ / "work").string()));
    port_ = server_->bind();
    serving_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(60, 0);
    client_->set_keep_alive(false);
  }
  void TearDown() override {
    if (!server_) return;
    server_->stop();
    serving_.join();
    server_.reset();
    fs::remove_all(parent_);
  }

  httplib::Result upload(const std::string& filename, const std::string& content) {
    return client_->Post("/api/datasets", kPageHeaders,
                         httplib::MultipartFormDataItems{{"file", content, filename, "text/csv"}});
  }
  // The server still answers an ordinary request.
  void expect_alive() {
    const auto res = client_->Get("/api/options");
    ASSERT_TRUE(res) << "no answer: " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
  }
  // Only DIR/work was written in the parent folder.
  void expect_nothing_outside() {
    for (const auto& entry : fs::directory_iterator(parent_)) EXPECT_EQ(entry.path().filename(), "work");
  }
  json wait_for_training(int64_t id, const std::vector<std::string>& states) {
    for (int attempt = 0; attempt < 1200; ++attempt) {
      const auto res = client_->Get("/api/trainings/" + std::to_string(id));
      const json job = json::parse(res->body);
      if (std::find(states.begin(), states.end(), job["state"]) != states.end()) return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "training " << id << " did not reach the state";
    return {};
  }
  // A new connection to the server; a read waits at most a minute (a server that never
  // answers fails the test instead of hanging it).
  int connect_raw() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const timeval minute{60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &minute, sizeof minute);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    return fd;
  }
  static void send_raw(int fd, const std::string& bytes) {
    EXPECT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }
  // Reads until `marker` has arrived (without one: until the connection ends); returns
  // what was read.
  static std::string read_until(int fd, const std::string& marker = {}) {
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (marker.empty() || answer.find(marker) == std::string::npos) &&
                    (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) {
      answer.append(buffer, static_cast<size_t>(n));
    }
    return answer;
  }
  std::string request_head(const std::string& line) const {
    return line + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  }
  // Sends raw bytes on a new connection and returns what comes back until it closes.
  std::string raw_exchange(const std::string& bytes) {
    const int fd = connect_raw();
    send_raw(fd, bytes);
    shutdown(fd, SHUT_WR);
    const std::string answer = read_until(fd);
    close(fd);
    return answer;
  }
  // Waits for something the server does; false after a minute without it.
  template <typename Condition>
  static bool eventually(Condition condition) {
    for (int attempt = 0; attempt < 6000; ++attempt) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  // The names in DIR/work/data, hidden ones too.
  std::vector<std::string> data_files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(parent_ / "work/data")) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  int64_t start_long_training() {
    EXPECT_EQ(upload("iris.csv", iris_csv())->status, 201);
    const std::string long_run = R"({"dataset": "iris.csv", "network": "4,2:tanh", "epochs": 100000, "batch_size": 2})";
    return json::parse(client_->Post("/api/trainings", kPageHeaders, long_run, "application/json")->body)["id"];
  }

  fs::path parent_;
  std::unique_ptr<Server> server_;
  std::thread serving_;
  std::unique_ptr<httplib::Client> client_;
  int port_ = 0;
};

TEST_F(ServerTest, ServesThePageAndTheChartingLibrary) {
  start();
  const auto page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("/vendor/vega-embed.min.js"), std::string::npos);
  const auto vega = client_->Get("/vendor/vega.min.js");
  EXPECT_GT(vega->body.size(), 100000u);
  const json options = json::parse(client_->Get("/api/options")->body);
  EXPECT_EQ(options["optimizers"], json(optimizer_names()));
  EXPECT_EQ(options["variants"], json(variant_names()));
}

TEST_F(ServerTest, UploadsATableAndFindsItsLabelColumn) {
  start();
  const auto res = upload("iris.csv", iris_csv());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const json info = json::parse(res->body);
  EXPECT_EQ(info["name"], "iris.csv");
  EXPECT_EQ(info["rows"], 150);
  EXPECT_EQ(info["label"], "Species");
  EXPECT_EQ(info["shape"], json({4}));
  EXPECT_EQ(read_file((parent_ / "work/data/iris.csv").string()), iris_csv());
  // The same name again is kept apart.
  EXPECT_EQ(json::parse(upload("iris.csv", iris_csv())->body)["name"], "iris-2.csv");
  EXPECT_EQ(json::parse(client_->Get("/api/datasets")->body).size(), 2u);
}

TEST_F(ServerTest, NamesCannotReachOutsideTheFolder) {
  start();
  for (const std::string name :
       {"../../escape.csv", "..\\..\\escape.csv", "/tmp/../escape.csv", "%2e%2e%2fescape.csv"}) {
    const auto res = upload(name, "a,b\n1,2\n3,4\n");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << name << ": " << res->body;
    const std::string stored = json::parse(res->body)["name"];
    EXPECT_TRUE(fs::is_regular_file(parent_ / "work/data" / stored)) << stored;
    EXPECT_EQ(stored.find('/'), std::string::npos);
  }
  for (const std::string name : {"/etc/passwd", "..", "...", "../", "evil.sh"}) {
    const auto res = upload(name, "a,b\n1,2\n3,4\n");
    EXPECT_EQ(res->status, 400) << name;
    EXPECT_FALSE(json::parse(res->body)["error"].get<std::string>().empty());
  }
  // Names in paths and queries are looked up only when they are plain file names.
  for (const std::string path : {"/api/models/..%2F..%2Fetc%2Fpasswd", "/api/models/%2e%2e%2fwork%2fdata%2firis.csv",
                                 "/api/models/.hgm", "/api/models/x.hgm/report?dataset=../../../etc/passwd",
                                 "/api/models/..", "/api/summary?dataset=../../etc/passwd&network=2",
                                 // Overlong UTF-8 for "../": not UTF-8 at all (once a 500).
                                 "/api/models/%c0%ae%c0%ae%c0%afetc%c0%afpasswd"}) {
    const auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_TRUE(res->status == 400 || res->status == 404) << path << " " << res->status;
    EXPECT_FALSE(json::parse(res->body)["error"].get<std::string>().empty()) << path;
    EXPECT_EQ(res->body.find("root:"), std::string::npos);
  }
  expect_nothing_outside();
  expect_alive();
}

TEST_F(ServerTest, OversizedUploadsAreRefusedWithTheLimit) {
  start(ServerOptions().max_upload_bytes(1 << 20));
  const auto res = upload("big.csv", std::string(3 << 20, '1'));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_NE(json::parse(res->body)["error"].get<std::string>().find("limit of 1 MiB"), std::string::npos) << res->body;
  EXPECT_FALSE(fs::exists(parent_ / "work/data/big.csv"));
  expect_alive();
}

// An upload goes to disk as it arrives (its first half is in a hidden file before the
// second is sent), becomes the data set once whole, and leaves nothing when cut short.
TEST_F(ServerTest, UploadsAreWrittenToDiskAsTheyArriveAndACutOneLeavesNothing) {
  start();
  std::string table = "a,b\n";
  for (int row = 0; table.size() < 400000; ++row) table += std::to_string(row) + "," + std::to_string(row % 7) + "\n";
  const std::string head =
      "--hgcut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n";
  const std::string tail = "\r\n--hgcut--\r\n";
  const std::string request = request_head("POST /api/datasets") +
                              "X-Requested-With: hourglass\r\nContent-Type: multipart/form-data; boundary=hgcut\r\n"
                              "Connection: close\r\nContent-Length: " +
                              std::to_string(head.size() + table.size() + tail.size()) + "\r\n\r\n" + head;
  const auto hidden_bytes = [&] {
    for (const auto& entry : fs::directory_iterator(parent_ / "work/data")) {
      if (entry.path().filename().string().rfind(".upload-", 0) == 0) return static_cast<int64_t>(entry.file_size());
    }
    return int64_t{-1};
  };
  for (const bool finish : {true, false}) {
    const int fd = connect_raw();
    send_raw(fd, request + table.substr(0, table.size() / 2));
    ASSERT_TRUE(eventually([&] { return hidden_bytes() > 0; })) << "nothing of the upload on disk while it arrives";
    if (finish) {
      send_raw(fd, table.substr(table.size() / 2) + tail);
      const std::string answer = read_until(fd, "}");
      EXPECT_NE(answer.find("201 Created"), std::string::npos) << answer;
    }
    close(fd);
    // A cut upload's file goes once the server sees the connection end.
    ASSERT_TRUE(eventually([&] { return hidden_bytes() < 0; })) << "the upload's file stays";
  }
  // The data set and its description (serve/workspace.hpp), nothing of the cut upload.
  EXPECT_EQ(data_files(), (std::vector<std::string>{".info-t.csv.json", "t.csv"}));
  EXPECT_EQ(read_file((parent_ / "work/data/t.csv").string()), table);
  expect_alive();
}

// Each connection holds a thread while it is open: 24 progress streams (the most the
// server keeps) and 40 idle keep-alive connections, each waiting for its next request,
// leave ordinary requests a thread (they once waited for the idle ones to time out).
TEST_F(ServerTest, OpenStreamsAndIdleConnectionsLeaveRoomForRequests) {
  start(ServerOptions().idle_seconds(600));
  const int64_t id = start_long_training();
  wait_for_training(id, {"running"});
  const std::string events = "/api/trainings/" + std::to_string(id) + "/events";
  struct Held : std::vector<int> {
    ~Held() {
      for (const int fd : *this) close(fd);  // also when an assertion ends the test early
    }
  } held;
  for (int stream = 0; stream < 24; ++stream) {
    held.push_back(connect_raw());
    send_raw(held.back(), request_head("GET " + events) + "\r\n");
    ASSERT_NE(read_until(held.back(), "event: ").find("event: "), std::string::npos) << "stream " << stream;
  }
  const auto refused = client_->Get(events);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find("too many progress streams"), std::string::npos) << refused->body;
  for (int idle = 0; idle < 40; ++idle) {
    held.push_back(connect_raw());
    send_raw(held.back(), request_head("GET /api/datasets") + "\r\n");
    ASSERT_NE(read_until(held.back(), "\r\n\r\n").find("200 OK"), std::string::npos) << "connection " << idle;
  }
  expect_alive();
  // ... while every held connection is still open (none was dropped to make room).
  char byte;
  for (const int fd : held) {
    const ssize_t peeked = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    EXPECT_TRUE(peeked > 0 || (peeked < 0 && errno == EAGAIN)) << "a held connection was closed";
  }
  client_->Post("/api/trainings/" + std::to_string(id) + "/stop", kPageHeaders, "", "text/plain");
}

TEST_F(ServerTest, MalformedRequestsGetErrorsAndTheServerGoesOn) {
  start();
  const std::string boundary = "multipart/form-data; boundary=XyZ";
  const std::vector<std::pair<std::string, std::string>> bodies{
      {boundary, "garbage without any boundary"},
      {boundary,
       "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\na,b\n1,2\n"},  // no end
      {boundary, "--XyZ\r\nno headers at all\r\n--XyZ--\r\n"},
      {"multipart/form-data", "--XyZ--\r\n"},                                                         // no boundary
      {boundary, "--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XyZ--\r\n"},  // no file field
      {"application/json", "{\"file\": 1}"},
  };
  for (const auto& [type, body] : bodies) {
    const auto res = client_->Post("/api/datasets", kPageHeaders, body, type);
    ASSERT_TRUE(res) << body;
    EXPECT_EQ(res->status, 400) << body;
    EXPECT_FALSE(json::parse(res->body)["error"].get<std::string>().empty());
  }
  // Content that is not a data set: the message names what is wrong.
  const auto text = upload("notes.csv", "a,b\n1,x\n2,y\n3,z,4\n");
  EXPECT_EQ(text->status, 400);
  EXPECT_FALSE(fs::exists(parent_ / "work/data/notes.csv"));
  const auto npy = upload("broken.npy", "\x93NUMPY garbage");
  EXPECT_EQ(npy->status, 400);
  // Training requests with wrong fields, names or networks.
  ASSERT_EQ(upload("iris.csv", iris_csv())->status, 201);
  for (const std::string& body : std::vector<std::string>{
           "not json", "[1,2]", "{\"dataset\": \"iris.csv\", \"epochs\": \"many\"}",
           "{\"dataset\": \"iris.csv\", \"epoch\": 3}", "{\"dataset\": \"nothere.csv\"}",
           "{\"dataset\": \"iris.csv\", \"network\": \"dense(\"}",
           "{\"dataset\": \"iris.csv\", \"optimizer\": \"adamw\"}", "{\"dataset\": \"iris.csv\", \"epochs\": 0}",
           // 100,000 levels (200 KB): once a stack overflow in the error path.
           "{\"dataset\":" + std::string(100000, '[') + std::string(100000, ']') + "}"}) {
    const auto res = client_->Post("/api/trainings", kPageHeaders, body, "application/json");
    EXPECT_EQ(res->status, 400) << body;
    EXPECT_FALSE(json::parse(res->body)["error"].get<std::string>().empty()) << body;
  }
  // Raw bytes that are not HTTP at all, and a request line cut short.
  raw_exchange("GARBAGE\r\n\r\n");
  raw_exchange("POST /api/datasets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nshort");
  expect_alive();
}

TEST_F(ServerTest, UnknownRoutesAndForeignRequestsAreRefused) {
  start();
  const auto missing = client_->Get("/no/such/page");
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(json::parse(missing->body)["error"].get<std::string>().find("/no/such/page"), std::string::npos);
  // A method no route has, from the page itself (with the header): unknown, not refused.
  EXPECT_EQ(client_->Delete("/api/datasets", kPageHeaders)->status, 404);
  // Another site's page can post only without the header: refused.
  const auto forged =
      client_->Post("/api/datasets", httplib::MultipartFormDataItems{{"file", "a\n1\n2\n", "a.csv", ""}});
  EXPECT_EQ(forged->status, 403);
  EXPECT_FALSE(fs::exists(parent_ / "work/data/a.csv"));
  // A page on another name for this address (DNS rebinding) is refused too.
  const auto rebound = client_->Get("/api/datasets", httplib::Headers{{"Host", "evil.example:8080"}});
  EXPECT_EQ(rebound->status, 403);
  // A Host that only starts like this machine's is no host at all (serve/hosts_test.cpp
  // has the rules for other addresses).
  const auto disguised = client_->Get("/api/datasets", httplib::Headers{{"Host", "127.0.0.1:1@evil.example"}});
  EXPECT_EQ(disguised->status, 400);
  EXPECT_NE(json::parse(disguised->body)["error"].get<std::string>().find("expected a Host header"), std::string::npos);
  expect_alive();
}

TEST_F(ServerTest, TrainsStreamsProgressAndServesTheModel) {
  start();
  ASSERT_EQ(upload("iris.csv", iris_csv())->status, 201);
  const auto submitted = client_->Post(
      "/api/trainings", kPageHeaders,
      R"({"dataset": "iris.csv", "network": "4,2:tanh", "epochs": 5, "optimizer": "adam", "learning_rate": 0.01,
          "scale": "zscore", "batch_size": 16, "validation_split": 0.2, "seed": 3})",
      "application/json");
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const int64_t id = json::parse(submitted->body)["id"];

  // The event stream: each epoch, then the final state, then the end of the stream.
  std::string stream;
  const auto events =
      client_->Get("/api/trainings/" + std::to_string(id) + "/events", [&](const char* data, size_t length) {
        stream.append(data, length);
        return true;
      });
  ASSERT_TRUE(events);
  size_t epochs = 0;
  for (size_t at = stream.find("event: epoch"); at != std::string::npos; at = stream.find("event: epoch", at + 1))
    ++epochs;
  EXPECT_EQ(epochs, 5u) << stream;
  EXPECT_NE(stream.find("\"state\":\"done\""), std::string::npos) << stream;

  const json job = wait_for_training(id, {"done"});
  ASSERT_EQ(job["history"].size(), 5u);
  const std::string name = job["model"];
  EXPECT_EQ(name, "iris.hgm");
  const Model model = Model::load((parent_ / "work/models" / name).string());
  ASSERT_EQ(model.history().epochs.size(), 5u);
  for (size_t e = 0; e < 5; ++e) {
    EXPECT_DOUBLE_EQ(job["history"][e]["values"]["loss"].get<double>(), model.history().epochs[e].value("loss"));
    EXPECT_DOUBLE_EQ(job["history"][e]["values"]["val_loss"].get<double>(),
                     model.history().epochs[e].value("val_loss"));
  }
  // Downloads: the model file byte for byte, the encoding and the scores.
  const auto file = client_->Get("/api/models/" + name);
  EXPECT_EQ(file->body, read_file((parent_ / "work/models" / name).string()));
  const Dataset iris = testing::iris();
  const auto encoding = client_->Get("/api/models/" + name + "/encoding?dataset=iris.csv");
  ASSERT_EQ(encoding->status, 200);
  EXPECT_EQ(encoding->body.substr(0, encoding->body.find('\n')), "code_1,code_2,Species");
  const auto scores = client_->Get("/api/models/" + name + "/scores?dataset=iris.csv");
  ASSERT_EQ(scores->status, 200);
  const auto errors = reconstruction_errors(model, iris.features);
  const std::string first_row = scores->body.substr(scores->body.find('\n') + 1);
  EXPECT_NEAR(std::stod(first_row.substr(first_row.find(',') + 1)), errors[0].item<double>(), 1e-6);
  const auto report = client_->Get("/api/models/" + name + "/report?dataset=iris.csv");
  ASSERT_EQ(report->status, 200);
  EXPECT_NE(report->body.find("hourglass-report-data"), std::string::npos);
  const json models = json::parse(client_->Get("/api/models")->body);
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0]["epochs"], 5);
  expect_nothing_outside();
}

// The variants and their parameters come from their declaration (variant_kind.hpp): the
// form's options list them with their defaults, and a training takes them by option name.
TEST_F(ServerTest, VariantParametersAreTheDeclaredOnes) {
  start();
  const json options = json::parse(client_->Get("/api/options")->body);
  ASSERT_EQ(options["variant_kinds"].size(), variant_kinds().size());
  for (size_t k = 0; k < variant_kinds().size(); ++k) {
    const VariantKind& kind = variant_kinds()[k];
    const json& offered = options["variant_kinds"][k];
    EXPECT_EQ(offered["name"], kind.name);
    ASSERT_EQ(offered["parameters"].size(), kind.parameters.size()) << kind.name;
    for (size_t i = 0; i < kind.parameters.size(); ++i) {
      EXPECT_EQ(offered["parameters"][i]["option"], kind.options[i]);
      EXPECT_EQ(variant_from_json<ArgumentValue>(offered["parameters"][i]["default"]),
                kind.parameters[i].default_value())
          << kind.name << " " << kind.parameters[i].name();
    }
  }
  ASSERT_EQ(upload("iris.csv", iris_csv())->status, 201);
  const auto summary = client_->Get(
      "/api/summary?dataset=iris.csv&network=4,2:sigmoid&types=sparse,denoising&sparsity_weight=0.5&"
      "noise=%22zeros:0.2%22&weight_decay=0.01");
  ASSERT_EQ(summary->status, 200) << summary->body;
  const std::string text = json::parse(summary->body)["text"];
  EXPECT_NE(text.find("sparsity: high_probability 0.1, weight 0.5"), std::string::npos) << text;
  EXPECT_NE(text.find("noise: zeros"), std::string::npos) << text;
  EXPECT_NE(text.find("weight decay: 0.01"), std::string::npos) << text;

  const auto submitted = client_->Post("/api/trainings", kPageHeaders,
                                       R"({"dataset": "iris.csv", "network": "4,2:sigmoid", "epochs": 2,
                                           "types": "contractive,adversarial", "contractive_weight": 0.5,
                                           "discriminator": [8, 8], "prior": "uniform"})",
                                       "application/json");
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const json job = wait_for_training(json::parse(submitted->body)["id"], {"done", "failed"});
  ASSERT_EQ(job["state"], "done") << job.dump();
  const Model model = Model::load((parent_ / "work/models" / job["model"].get<std::string>()).string());
  EXPECT_EQ(model.learner().contraction->weight, 0.5);
  EXPECT_EQ(model.learner().adversarial->discriminator, (std::vector<int64_t>{8, 8}));
  EXPECT_EQ(model.learner().adversarial->prior, "uniform");

  // A parameter of a variant not chosen, a misspelt one, a value out of range or of the
  // wrong type: refused with the field's name, and nothing queued.
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"dataset": "iris.csv", "sigma": 0.3})", "sigma applies to the robust variant"},
      {R"({"dataset": "iris.csv", "types": "sparse", "sparsity_wieght": 0.3})",
       "unknown training field 'sparsity_wieght'"},
      {R"({"dataset": "iris.csv", "types": "sparse", "sparsity": 2})", "high_probability must be in (0, 1)"},
      {R"({"dataset": "iris.csv", "types": "robust", "sigma": {"a": 1}})", "'sigma' has the wrong type"},
  };
  for (const auto& [body, message] : refused) {
    const auto res = client_->Post("/api/trainings", kPageHeaders, body, "application/json");
    EXPECT_EQ(res->status, 400) << body;
    EXPECT_NE(res->body.find(message), std::string::npos) << body << ": " << res->body;
  }
  const auto bad_query = client_->Get("/api/summary?dataset=iris.csv&network=2&types=robust&sigma=x");
  EXPECT_EQ(bad_query->status, 400);
  EXPECT_NE(bad_query->body.find("the parameter 'sigma' must be JSON"), std::string::npos) << bad_query->body;
  EXPECT_EQ(json::parse(client_->Get("/api/trainings")->body).size(), 1u);
}

TEST_F(ServerTest, TrainsATableWithCategoriesAndScoresItInTheModelsLevels) {
  start();
  // Two text columns are categorical features (one alone would be the label), with holes.
  std::string csv = "colour,size,weight\n";
  const char* colours[] = {"red", "green", "blue"};
  const char* sizes[] = {"S", "M", "L"};
  for (int r = 0; r < 60; ++r) {
    csv +=
        std::string(r % 7 == 2 ? "" : colours[r % 3]) + "," + sizes[r % 3] + "," + std::to_string(10 * (r % 3)) + "\n";
  }
  ASSERT_EQ(upload("pets.csv", csv)->status, 201);
  const auto submitted =
      client_->Post("/api/trainings", kPageHeaders,
                    R"({"dataset": "pets.csv", "network": "4,2:tanh", "epochs": 3, "scale": "zscore", "seed": 3})",
                    "application/json");
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const json job = wait_for_training(json::parse(submitted->body)["id"], {"done", "failed"});
  ASSERT_EQ(job["state"], "done") << job.dump();
  const Model model = Model::load((parent_ / "work/models" / job["model"].get<std::string>()).string());
  EXPECT_EQ(model.coding().levels()[0], (std::vector<std::string>{"blue", "green", "red"}));
  EXPECT_EQ(model.coding().width(), 3 + 3 + 1);
  // A later file with levels of its own is scored in the model's.
  ASSERT_EQ(upload("later.csv", "colour,size,weight\nred,L,20\nblue,S,0\n")->status, 201);
  const auto scores = client_->Get("/api/models/" + job["model"].get<std::string>() + "/scores?dataset=later.csv");
  ASSERT_EQ(scores->status, 200) << scores->body;
  const Dataset later = parse_delimited("colour,size,weight\nred,L,20\nblue,S,0\n", "later.csv");
  const double expected = model.score(model.coding().conform(later))[0].item<double>();
  const std::string first_row = scores->body.substr(scores->body.find('\n') + 1);
  EXPECT_NEAR(std::stod(first_row.substr(first_row.find(',') + 1)), expected, 1e-6);
  const auto report = client_->Get("/api/models/" + job["model"].get<std::string>() + "/report?dataset=pets.csv");
  ASSERT_EQ(report->status, 200) << report->body;
  EXPECT_NE(report->body.find("mean share of the score"), std::string::npos);
}

TEST_F(ServerTest, TrainingsQueueAndStop) {
  start();
  const int64_t first = start_long_training();
  const std::string long_run = R"({"dataset": "iris.csv", "network": "4,2:tanh", "epochs": 100000, "batch_size": 2})";
  const int64_t second =
      json::parse(client_->Post("/api/trainings", kPageHeaders, long_run, "application/json")->body)["id"];
  wait_for_training(first, {"running"});
  // One at a time: the second waits, and stopping it cancels it.
  EXPECT_EQ(json::parse(client_->Get("/api/trainings/" + std::to_string(second))->body)["state"], "queued");
  EXPECT_EQ(client_->Post("/api/trainings/" + std::to_string(second) + "/stop", kPageHeaders, "", "text/plain")->status,
            200);
  EXPECT_EQ(wait_for_training(second, {"cancelled"})["state"], "cancelled");
  // The running one stops after its batch and keeps what it learned.
  for (int attempt = 0;
       attempt < 1200 && json::parse(client_->Get("/api/trainings/" + std::to_string(first))->body)["epochs_done"] < 1;
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(client_->Post("/api/trainings/" + std::to_string(first) + "/stop", kPageHeaders, "", "text/plain")->status,
            200);
  const json stopped = wait_for_training(first, {"stopped", "done", "failed"});
  EXPECT_EQ(stopped["state"], "stopped");
  EXPECT_EQ(stopped["message"], "stopped from the web interface");
  const Model model = Model::load((parent_ / "work/models" / stopped["model"].get<std::string>()).string());
  EXPECT_GE(model.history().epochs.size(), 1u);
  EXPECT_LT(model.history().epochs.size(), 100000u);
  EXPECT_EQ(client_->Post("/api/trainings/99/stop", kPageHeaders, "", "text/plain")->status, 400);
}

// The command: it prints its address, and --stop-after ends it by itself, as Ctrl-C would.
TEST(ServeCli, PrintsItsAddressAndStopsByItself) {
  const fs::path folder = testing::temp_path("serve-cli");
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::string out = (folder / "stdout").string(), err = (folder / "stderr").string();
  const auto run = [&](const std::string& arguments) {
    const int raw =
        std::system((std::string(HOURGLASS_BINARY) + " serve " + arguments + " > " + out + " 2> " + err).c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  ASSERT_EQ(run("--port 0 --dir " + folder.string() + " --stop-after 0.2"), 0) << read_file(err);
  EXPECT_EQ(read_file(out).rfind("Hourglass web interface on http://127.0.0.1:", 0), 0u) << read_file(out);
  EXPECT_TRUE(fs::is_directory(folder / "data"));
  EXPECT_TRUE(fs::is_directory(folder / "models"));

  EXPECT_EQ(run("--port 0 --dir " + (folder / "missing").string()), 2);
  EXPECT_EQ(read_file(err), "hourglass: error: '" + (folder / "missing").string() +
                                "' is not a folder; create it or give --dir an existing one\n");
  fs::remove_all(folder);
}

}  // namespace
}  // namespace hourglass::serve
