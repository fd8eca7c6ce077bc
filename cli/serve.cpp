#include <pthread.h>

#include <cmath>
#include <csignal>
#include <ctime>
#include <iostream>
#include <thread>

#include "common.hpp"
#include "serve/hosts.hpp"
#include "serve/server.hpp"

namespace hourglass::cli {

namespace {

// --allow-host NAME (repeatable): the names a server on another address than loopback
// answers besides its IP addresses and localhost (serve/hosts.hpp).
void add_allow_host(CLI::App& command, serve::ServerOptions& o) {
  command
      .add_option_function<std::vector<std::string>>(
          "--allow-host",
          [&o](const std::vector<std::string>& names) {
            std::vector<std::string> allowed;
            for (const auto& name : names) {
              const auto parsed = serve::host_name(name);
              if (!parsed || parsed->find(':') != std::string::npos) {
                throw InvalidArgument("--allow-host: expected a host name such as box.lan, got '" + name + "'");
              }
              allowed.push_back(*parsed);
            }
            o.allow_hosts(allowed);
          },
          "a name users reach the server by, e.g. box.lan (repeatable); requests naming any other host are refused, "
          "so that no other site's page can reach the server through a name of its own (DNS rebinding)")
      ->type_name("NAME");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "serve", "Start the web interface: upload data, train with a live loss chart, see reports, download models");
  struct Flags {
    serve::ServerOptions options;
    double max_upload_mb = 100;
    double stop_after = 0;
  };
  auto flags = std::make_shared<Flags>();
  auto& o = flags->options;
  command->add_option_function<int>(
      "--port", [&o](int v) { o.port(v); }, "port to listen on (default 8080; 0: any free port)");
  command->add_option_function<std::string>(
      "--host", [&o](const std::string& v) { o.host(v); },
      "address to listen on (default 127.0.0.1: this machine only); on any other address the server answers "
      "requests that name it by an IP address, localhost or an --allow-host name");
  add_allow_host(*command, o);
  command->add_option_function<std::string>(
      "--dir", [&o](const std::string& v) { o.directory(v); },
      "folder for uploads (DIR/data) and models (DIR/models); nothing outside it is read or written (default .)");
  command->add_option("--max-upload-mb", flags->max_upload_mb, "largest upload accepted, in MiB (default 100)")
      ->check(kPositive);
  command
      ->add_option("--stop-after", flags->stop_after,
                   "stop by itself after this many seconds, as Ctrl-C would (default 0: run until stopped)")
      ->check(CLI::Range(0.0, 1e8));
  command->add_flag_function(
      "--log", [&o](int64_t) { o.log(true); }, "print a line per request on stderr");
  command->callback([flags] {
    auto options = flags->options;
    options.max_upload_bytes(static_cast<int64_t>(flags->max_upload_mb * (1 << 20)));
    // Ctrl-C and SIGTERM are taken by this thread alone (sigwait), so that the server and
    // the training stop in order and the model under way is saved.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    serve::Server server(options);
    const int port = server.bind();
    std::thread serving([&server] { server.run(); });
    std::cout << "Hourglass web interface on http://"
              << (options.host().find(':') != std::string::npos ? "[" + options.host() + "]" : options.host()) << ':'
              << port << "/ (folder " << options.directory() << "); Ctrl-C stops it" << std::endl;
    if (flags->stop_after > 0) {
      const double whole = std::floor(flags->stop_after);
      const timespec limit{static_cast<time_t>(whole), static_cast<long>((flags->stop_after - whole) * 1e9)};
      sigtimedwait(&signals, nullptr, &limit);  // a signal, or the time is up: both stop the server
    } else {
      int received = 0;
      sigwait(&signals, &received);
    }
    std::cerr << "hourglass: stopping the web interface\n";
    server.stop();
    serving.join();
  });
}

}  // namespace hourglass::cli
