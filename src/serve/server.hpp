// The web interface (hourglass serve): a local HTTP server, bound to 127.0.0.1 unless
// told otherwise, with a page to upload data, choose a network, variant and options,
// train with a live loss chart and a Stop button, then see the report, download the
// model and the encoding, and score data. Trainings queue (serve/jobs.hpp); files live
// in one folder only (serve/workspace.hpp). docs/web.md lists the routes.
//
//   Server server(ServerOptions().port(0).directory("runs"));
//   int port = server.bind();      // a free port
//   std::thread serving([&] { server.run(); });
//   ...
//   server.stop();
//   serving.join();
#pragma once

#include <torch/arg.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hourglass::serve {

struct ServerOptions {
  /// The address to listen on; 127.0.0.1 keeps the server to this machine.
  TORCH_ARG(std::string, host) = "127.0.0.1";
  /// Host names (lower-case) the server answers besides IP addresses and localhost when
  /// `host` is not a loopback address: the names users type to reach it. Any other name
  /// is refused, so that no other site's page can reach the server through a name of its
  /// own (DNS rebinding; serve/hosts.hpp).
  TORCH_ARG(std::vector<std::string>, allow_hosts) = {};
  /// 0: any free port (bind() tells which).
  TORCH_ARG(int, port) = 8080;
  /// The folder of uploads (DIR/data) and models (DIR/models); nothing outside it is
  /// read or written.
  TORCH_ARG(std::string, directory) = ".";
  /// The largest request body (an upload) accepted, in bytes.
  TORCH_ARG(int64_t, max_upload_bytes) = int64_t{100} << 20;
  /// Trainings waiting at once, and epochs per training, at most.
  TORCH_ARG(int64_t, max_waiting) = 16;
  TORCH_ARG(int64_t, max_epochs) = 100000;
  /// Seconds an idle keep-alive connection is kept open for its next request.
  TORCH_ARG(int, idle_seconds) = 5;
  /// A line per request on stderr.
  TORCH_ARG(bool, log) = false;
};

class Server {
 public:
  /// Throws InvalidArgument when the folder is not usable.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Listens on host:port; returns the port. Throws Error when the address is taken or
  /// cannot be used.
  int bind();
  /// Answers requests until stop(); bind() first.
  void run();
  /// From any thread: run() returns once the requests under way are answered; a
  /// training under way stops after its batch and its model is saved.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hourglass::serve
