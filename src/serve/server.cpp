#include "serve/server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "hourglass/data/scaler.hpp"
#include "hourglass/data/table_coding.hpp"
#include "hourglass/error.hpp"
#include "hourglass/io/atomic_file.hpp"
#include "hourglass/losses/loss.hpp"
#include "hourglass/model/model.hpp"
#include "hourglass/network/layer.hpp"
#include "hourglass/network/layer_kind.hpp"
#include "hourglass/network/parse.hpp"
#include "hourglass/report/report.hpp"
#include "hourglass/train/optimizers.hpp"
#include "hourglass/variants/variant_kind.hpp"
#include "io/json_text.hpp"
#include "report/assets.hpp"
#include "serve/hosts.hpp"
#include "serve/jobs.hpp"
#include "serve/pool.hpp"
#include "serve/workspace.hpp"
#include "train/option_json.hpp"

namespace hourglass::serve {
namespace {

using nlohmann::json;

// Connections served at once (each holds a thread while it is open, idle or not): open
// progress streams at most kMaxStreams of them, so that requests always find a thread;
// more streams are refused (503).
constexpr int kMaxStreams = 24;
constexpr size_t kMaxConnections = 256;
// A request's bytes (and a stream's reader) may pause this long before the connection is
// dropped.
constexpr time_t kReadWriteSeconds = 10;
// A progress stream without news sends a comment this often, which finds closed tabs.
constexpr double kKeepAliveSeconds = 15.0;

// The POST header a page of this server sends and another site's page cannot without
// the server's consent (a CORS preflight, which is never granted).
constexpr const char* kRequestedWith = "X-Requested-With";

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Text from a request (a name in the path, a field) may not be UTF-8: such bytes are
  // sent as U+FFFD rather than failing the answer.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

json epoch_json(const EpochRecord& record) {
  json values = json::object();
  for (const auto& [name, value] : record.values) values[name] = value;
  return {{"epoch", record.epoch}, {"seconds", record.seconds}, {"values", values}};
}

// A job as the page sees it; with every epoch's values when `epochs` is set.
json job_json(const Job& job, bool epochs) {
  json out = {{"id", job.id},
              {"model", job.model_name},
              {"dataset", job.request.dataset},
              {"network", job.request.network},
              {"types", job.learner.types()},
              {"epochs", job.request.options.epochs()},
              {"state", state_name(job.state)},
              {"message", job.message},
              {"epochs_done", job.epochs.size()}};
  if (!job.epochs.empty()) out["last"] = epoch_json(job.epochs.back());
  if (epochs) {
    out["history"] = json::array();
    for (const auto& record : job.epochs) out["history"].push_back(epoch_json(record));
  }
  return out;
}

// A data set's rows for `model`: a table's categories in the model's levels.
at::Tensor model_rows(const Model& model, const Dataset& data) {
  return data.has_categories() ? model.coding().conform(data) : data.samples();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Reads the request's JSON body into a training request; unknown fields are refused so
// that a typo does not silently train with a default.
const std::vector<std::string> kLearnerFields = {"dataset", "network", "types", "loss", "name"};

bool is_train_option(const std::string& name) {
  const auto& specs = train_option_specs();
  return std::any_of(specs.begin(), specs.end(), [&](const OptionSpec& spec) { return spec.name == name; });
}

bool is_variant_option(const std::string& name) {
  const auto names = variant_option_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> training_fields() {
  std::vector<std::string> fields = kLearnerFields;
  for (const auto& spec : train_option_specs()) fields.push_back(spec.name);
  for (const auto& name : variant_option_names()) fields.push_back(name);
  return fields;
}

// The variants as the form offers them, from their declaration (variant_kind.hpp): each
// parameter with the request field that sets it ("option"; an empty one is written after
// the one before and a colon, as in "gaussian:0.1"), its input, type, default and help.
json variant_kinds_json() {
  json kinds = json::array();
  for (const auto& kind : variant_kinds()) {
    json parameters = json::array();
    for (size_t i = 0; i < kind.parameters.size(); ++i) {
      const Parameter& p = kind.parameters[i];
      parameters.push_back({{"option", kind.options[i]},
                            {"name", p.name()},
                            {"kind", argument_type_name(p.type())},
                            {"type", p.describe()},
                            {"default", variant_to_json(p.default_value())},
                            {"help", p.help()}});
    }
    kinds.push_back({{"name", kind.name}, {"help", kind.help}, {"is_type", kind.is_type}, {"parameters", parameters}});
  }
  return kinds;
}

// The form's first values: each option's declared default, but for the presets that suit
// a first try on a small table in the browser (Adam at 0.01 on z-scores, batches of 16).
json form_defaults() {
  json defaults =
      train_options_json(TrainOptions().optimizer("adam").learning_rate(0.01).scale("zscore").batch_size(16));
  defaults["network"] = "8,2:tanh";
  defaults["types"] = "basic";
  defaults["loss"] = "mse";
  return defaults;
}

// A query parameter whose value is JSON, as the variants' parameters in /api/summary.
ArgumentValue query_argument(const httplib::Request& req, const std::string& name) {
  const std::string text = req.get_param_value(name);
  const json value = parse_json(text, "the parameter '" + name + "'");
  try {
    if (!value.is_discarded() && !value.is_object()) return variant_from_json<ArgumentValue>(value);
  } catch (const json::exception&) {
  }
  throw InvalidArgument("the parameter '" + name + "' must be JSON: a number, \"text\", true/false or [sizes], got '" +
                        text.substr(0, 40) + (text.size() > 40 ? "...'" : "'"));
}

TrainingRequest training_request(const std::string& body) {
  const json in = parse_json(body, "the training's description");
  if (in.is_discarded())
    throw InvalidArgument("expected a JSON object describing the training, e.g. {\"dataset\": \"iris.csv\"}");
  if (!in.is_object()) throw InvalidArgument("expected a JSON object describing the training");
  TrainingRequest request;
  TrainOptions& o = request.options;
  for (const auto& [key, value] : in.items()) {
    try {
      if (key == "dataset")
        request.dataset = value.get<std::string>();
      else if (key == "network")
        request.network = value.get<std::string>();
      else if (key == "types")
        request.types = value.get<std::string>();
      else if (key == "loss")
        request.loss = value.get<std::string>();
      else if (key == "name")
        request.name = value.get<std::string>();
      else if (is_train_option(key))
        set_train_option_json(o, key, value);  // checked against its declaration (option_specs.hpp)
      else if (is_variant_option(key))
        request.variant_options.emplace_back(key, variant_from_json<ArgumentValue>(value));  // variant_kind.hpp
      else
        throw unknown_name("training field", key, training_fields());
    } catch (const json::exception&) {
      // The type, not the value: a refused value may nest deep enough to overflow dump().
      throw InvalidArgument("the training field '" + key + "' has the wrong type: a JSON " + value.type_name());
    }
  }
  if (request.dataset.empty()) throw InvalidArgument("choose a data set to train on");
  if (request.types.empty()) request.types = "basic";
  return request;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Workspace workspace;
  TrainingQueue queue;
  httplib::Server http;
  std::atomic<int> streams{0};
  std::atomic<bool> stopping{false};
  int port = 0;

  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        workspace(options.directory()),
        queue(workspace, options.max_waiting(), options.max_epochs()) {
    http.new_task_queue = [] { return new ElasticPool(kMaxConnections); };
    http.set_keep_alive_timeout(options.idle_seconds());
    http.set_read_timeout(kReadWriteSeconds);
    http.set_write_timeout(kReadWriteSeconds);
    // Multipart framing adds a little to the file itself.
    http.set_payload_max_length(static_cast<size_t>(options.max_upload_bytes()) + 64 * 1024);
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return admit(req, res) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
    });
    http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) { describe_error(req, res); });
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        send_error(res, 500, std::string("internal error: ") + e.what());
      } catch (...) {
        send_error(res, 500, "internal error");
      }
    });
    if (options.log()) {
      http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        std::cerr << req.method << ' ' << req.path << ' ' << res.status << '\n';
      });
    }
    routes();
  }

  // Requests from other sites' pages are refused: a Host header that names another
  // machine (DNS rebinding) or a POST without the header only this server's page sends.
  bool admit(const httplib::Request& req, httplib::Response& res) {
    const std::string host = req.get_header_value("Host");
    if (!host_name(host)) {
      send_error(res, 400,
                 "expected a Host header naming this server (a name or an address, and a port), got '" +
                     abbreviate(host, 80) + "'");
      return false;
    }
    if (!host_admitted(host, options.host(), options.allow_hosts())) {
      send_error(res, 403,
                 is_loopback(options.host())
                     ? "this server answers requests for 127.0.0.1 or localhost only, not '" + host + "'"
                     : "this server answers requests for its IP addresses, localhost and the names given with "
                       "--allow-host only, not '" +
                           host + "' (hourglass serve --allow-host " + *host_name(host) + " admits it)");
      return false;
    }
    if (req.method != "GET" && req.method != "HEAD" && req.get_header_value(kRequestedWith) != "hourglass") {
      send_error(res, 403,
                 std::string("requests that change something need the header ") + kRequestedWith +
                     ": hourglass (the interface's page sends it)");
      return false;
    }
    return true;
  }

  // Errors without a body of their own (unknown routes, oversized or malformed requests)
  // get a one-line JSON message too.
  void describe_error(const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    switch (res.status) {
      case 404:
        send_error(res, 404, "no such page: " + req.method + " " + req.path);
        break;
      case 413:
        send_error(res, 413,
                   "the upload is larger than the limit of " +
                       format_number(static_cast<double>(options.max_upload_bytes()) / (1 << 20)) +
                       " MiB (hourglass serve --max-upload-mb raises it)");
        break;
      case 400:
        send_error(res, 400, "malformed request (a multipart upload with a file field 'file' is expected for uploads)");
        break;
      default:
        send_error(res, res.status, "the request failed with status " + std::to_string(res.status));
    }
  }

  // Runs a handler, turning errors into JSON answers: the user's mistakes are 400s.
  template <typename Body>
  static void answer_errors(httplib::Response& res, const Body& body) {
    try {
      body();
    } catch (const Error& e) {
      send_error(res, 400, e.what());
    } catch (const std::exception& e) {
      send_error(res, 500, std::string("internal error: ") + e.what());
    }
  }
  template <typename Fn>
  httplib::Server::Handler guarded(Fn handler) {
    return [handler](const httplib::Request& req, httplib::Response& res) {
      answer_errors(res, [&] { handler(req, res); });
    };
  }
  // The same for a handler that reads the request's body itself, as it arrives.
  template <typename Fn>
  httplib::Server::HandlerWithContentReader guarded_reading(Fn handler) {
    return [handler](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
      answer_errors(res, [&] { handler(req, res, reader); });
    };
  }

  static void send_static(httplib::Response& res, std::string_view content, const char* type) {
    res.set_content(content.data(), content.size(), type);
    res.set_header("Cache-Control", "no-cache");
  }

  std::shared_ptr<Job> job_of(const httplib::Request& req) {
    const auto job = queue.find(std::stoll(req.matches[1].str()));
    if (!job) throw InvalidArgument("there is no training " + req.matches[1].str());
    return job;
  }

  // Every route, group by group, in the order httplib tries them.
  void routes() {
    page_routes();
    form_routes();
    training_routes();
    model_routes();
    model_csv_routes();
  }

  // The page of the interface, its script and style, and the chart libraries it loads.
  void page_routes() {
    http.Get("/", [](const httplib::Request&, httplib::Response& res) {
      send_static(res, assets::app_html(), "text/html; charset=utf-8");
      // Vega compiles its expressions with Function(): 'unsafe-eval'; it also adds a <style>.
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                     "img-src 'self' data:; frame-src 'self'");
    });
    http.Get("/app.js", [](const httplib::Request&, httplib::Response& res) {
      send_static(res, assets::app_js(), "text/javascript");
    });
    http.Get("/app.css",
             [](const httplib::Request&, httplib::Response& res) { send_static(res, assets::app_css(), "text/css"); });
    http.Get("/vendor/vega.min.js", [](const httplib::Request&, httplib::Response& res) {
      send_static(res, assets::vega_js(), "text/javascript");
    });
    http.Get("/vendor/vega-lite.min.js", [](const httplib::Request&, httplib::Response& res) {
      send_static(res, assets::vega_lite_js(), "text/javascript");
    });
    http.Get("/vendor/vega-embed.min.js", [](const httplib::Request&, httplib::Response& res) {
      send_static(res, assets::vega_embed_js(), "text/javascript");
    });
  }

  // What the form offers and checks: the options, the data sets (and uploads) and a
  // learner's summary.
  void form_routes() {
    http.Get("/api/options", guarded([this](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200,
                         {{"variants", variant_names()},
                          {"variant_kinds", variant_kinds_json()},
                          {"losses", loss_names()},
                          {"optimizers", optimizer_names()},
                          {"scalers", scaler_names()},
                          {"activations", activation_names()},
                          {"layers", layer_kind_names()},
                          {"train_options", json::parse(train_option_specs_json())},
                          {"defaults", form_defaults()},
                          {"limits",
                           {{"max_upload_bytes", options.max_upload_bytes()}, {"max_epochs", options.max_epochs()}}}});
             }));

    http.Get("/api/datasets", guarded([this](const httplib::Request&, httplib::Response& res) {
               json list = json::array();
               for (const auto& info : workspace.datasets()) list.push_back(dataset_json(info));
               send_json(res, 200, list);
             }));
    http.Post("/api/datasets", guarded_reading([this](const httplib::Request& req, httplib::Response& res,
                                                      const httplib::ContentReader& reader) {
                if (auto upload = receive_upload(req, res, reader)) {
                  send_json(res, 201, dataset_json(workspace.add_dataset(std::move(*upload))));
                }
              }));

    // The learner and its layers for a network on a data set: the form checks as one types.
    // A variant option's value is JSON (sparsity_weight=0.5, discriminator=[64,64]).
    http.Get("/api/summary", guarded([this](const httplib::Request& req, httplib::Response& res) {
               const DatasetInfo data = workspace.dataset_info(req.get_param_value("dataset"));
               TrainingRequest wanted;
               wanted.network = req.get_param_value("network");
               if (req.has_param("types")) wanted.types = req.get_param_value("types");
               if (req.has_param("loss")) wanted.loss = req.get_param_value("loss");
               for (const auto& name : variant_option_names()) {
                 if (req.has_param(name)) wanted.variant_options.emplace_back(name, query_argument(req, name));
               }
               const Autoencoder learner = wanted.learner();
               send_json(res, 200, {{"text", learner.to_string() + learner.network.summary(data.shape)}});
             }));
  }

  // The trainings: submitting, listing, inspecting and stopping them, and their progress.
  void training_routes() {
    http.Get("/api/trainings", guarded([this](const httplib::Request&, httplib::Response& res) {
               json list = json::array();
               for (const auto& job : queue.jobs())
                 list.push_back(queue.inspect(*job, [](const Job& j) { return job_json(j, false); }));
               send_json(res, 200, list);
             }));
    http.Post("/api/trainings", guarded([this](const httplib::Request& req, httplib::Response& res) {
                const auto job = queue.submit(training_request(req.body));
                send_json(res, 202, queue.inspect(*job, [](const Job& j) { return job_json(j, false); }));
              }));
    http.Get(R"(/api/trainings/(\d{1,9}))", guarded([this](const httplib::Request& req, httplib::Response& res) {
               const auto job = job_of(req);
               send_json(res, 200, queue.inspect(*job, [](const Job& j) { return job_json(j, true); }));
             }));
    http.Post(R"(/api/trainings/(\d{1,9})/stop)", guarded([this](const httplib::Request& req, httplib::Response& res) {
                const auto job = job_of(req);
                queue.stop(job->id);
                send_json(res, 200, queue.inspect(*job, [](const Job& j) { return job_json(j, false); }));
              }));
    http.Get(R"(/api/trainings/(\d{1,9})/events)", guarded([this](const httplib::Request& req, httplib::Response& res) {
               stream_progress(job_of(req), res);
             }));
  }

  // The trained models: the list, their files and their reports.
  void model_routes() {
    http.Get("/api/models", guarded([this](const httplib::Request&, httplib::Response& res) {
               json list = json::array();
               for (const auto& name : workspace.models()) {
                 try {
                   const Model model = Model::load(workspace.model_path(name));
                   const auto& history = model.history();
                   list.push_back(
                       {{"name", name},
                        {"types", model.learner().types()},
                        {"network", model.network().to_string()},
                        {"epochs", history.epochs.size()},
                        {"loss", history.epochs.empty() ? json(nullptr) : json(history.epochs.back().value("loss"))},
                        {"code_dim", model.code_dim()},
                        {"stop_reason", history.stop_reason}});
                 } catch (const Error&) {
                   // A file that is not a model (copied there by hand) is left out.
                 }
               }
               send_json(res, 200, list);
             }));
    http.Get(R"(/api/models/([^/]+))", guarded([this](const httplib::Request& req, httplib::Response& res) {
               const std::string name = req.matches[1].str();
               res.set_content(read_file(workspace.model_path(name)), "application/octet-stream");
               res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
             }));
    http.Get(
        R"(/api/models/([^/]+)/report)", guarded([this](const httplib::Request& req, httplib::Response& res) {
          const std::string name = req.matches[1].str();
          const Model model = Model::load(workspace.model_path(name));
          Dataset data;
          const std::string dataset = req.get_param_value("dataset");
          if (!dataset.empty()) data = workspace.read_dataset(dataset);
          res.set_content(
              render_report(model, data, ReportOptions().title("Report: " + name).model_name(name).data_name(dataset)),
              "text/html; charset=utf-8");
        }));
  }

  // A model's codes and reconstruction errors for a data set, as CSV downloads.
  void model_csv_routes() {
    http.Get(R"(/api/models/([^/]+)/encoding)", guarded([this](const httplib::Request& req, httplib::Response& res) {
               const std::string name = req.matches[1].str(), dataset = req.get_param_value("dataset");
               const Model model = Model::load(workspace.model_path(name));
               const Dataset data = workspace.read_dataset(dataset);
               const auto codes = model.encode(model_rows(model, data)).reshape({data.rows(), -1});
               std::ostringstream csv;
               write_csv(csv, codes, numbered_columns("code", codes.size(1)), data.label_name, data.labels);
               res.set_content(csv.str(), "text/csv");
               res.set_header("Content-Disposition",
                              "attachment; filename=\"" + name.substr(0, name.size() - 4) + "-encoding.csv\"");
             }));
    // Each row's reconstruction error under the model: what makes a row unusual.
    http.Get(R"(/api/models/([^/]+)/scores)", guarded([this](const httplib::Request& req, httplib::Response& res) {
               const std::string name = req.matches[1].str(), dataset = req.get_param_value("dataset");
               const Model model = Model::load(workspace.model_path(name));
               const Dataset data = workspace.read_dataset(dataset);
               const auto errors =
                   reconstruction_errors(model, model_rows(model, data)).to(torch::kDouble).contiguous();
               std::ostringstream csv;
               csv << "row,error" << (data.label_name.empty() ? "" : "," + csv_field(data.label_name)) << '\n';
               for (int64_t row = 0; row < errors.size(0); ++row) {
                 csv << row + 1 << ',' << format_number(errors.data_ptr<double>()[row]);
                 if (!data.label_name.empty()) csv << ',' << csv_field(data.labels[row]);
                 csv << '\n';
               }
               res.set_content(csv.str(), "text/csv");
               res.set_header("Content-Disposition",
                              "attachment; filename=\"" + name.substr(0, name.size() - 4) + "-scores.csv\"");
             }));
  }

  // An upload's field 'file', written to disk as it arrives (no copy of it in memory).
  // Nothing when the body could not be read (too large: 413; cut short: 400), with the
  // status set for describe_error().
  std::optional<Upload> receive_upload(const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) {
    if (!req.is_multipart_form_data()) {
      res.set_header("Connection", "close");  // the body is left unread
      throw InvalidArgument("expected a multipart form upload with the data file in the field 'file'");
    }
    std::optional<Upload> upload;
    bool in_file = false;
    std::exception_ptr failure;  // a refused name or a full disk, thrown once httplib is out of the way
    const auto guard = [&failure](const auto& step) {
      try {
        step();
        return true;
      } catch (...) {
        failure = std::current_exception();
        return false;
      }
    };
    const bool read = reader(
        [&](const httplib::MultipartFormData& part) {
          return guard([&] {
            in_file = part.name == "file" && !upload;
            if (in_file) upload.emplace(workspace.receive(part.filename));
          });
        },
        [&](const char* data, size_t size) {
          return guard([&] {
            if (in_file) upload->append(data, size);
          });
        });
    if (failure) std::rethrow_exception(failure);
    if (!read) {
      if (res.status < 400) res.status = 400;
      return std::nullopt;
    }
    if (!upload) throw InvalidArgument("expected a multipart form upload with the data file in the field 'file'");
    return upload;
  }

  // Server-sent events: every epoch so far, then each new one, and the job's state
  // whenever it changes; the stream ends when the job does.
  void stream_progress(const std::shared_ptr<Job>& job, httplib::Response& res) {
    if (streams.fetch_add(1) >= kMaxStreams) {
      streams.fetch_sub(1);
      send_error(res, 503,
                 "too many progress streams are open (" + std::to_string(kMaxStreams) +
                     " at most); close some of the interface's tabs");
      return;
    }
    struct Cursor {
      size_t epochs_sent = 0;
      std::string state_sent;
      uint64_t seen = 0;
      double quiet_seconds = 0;
    };
    auto cursor = std::make_shared<Cursor>();
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, job, cursor](size_t, httplib::DataSink& sink) {
          std::string news;
          const bool finished = queue.inspect(*job, [&](const Job& j) {
            for (; cursor->epochs_sent < j.epochs.size(); ++cursor->epochs_sent) {
              news += "event: epoch\ndata: " + epoch_json(j.epochs[cursor->epochs_sent]).dump() + "\n\n";
            }
            if (cursor->state_sent != state_name(j.state)) {
              cursor->state_sent = state_name(j.state);
              news += "event: state\ndata: " + job_json(j, false).dump() + "\n\n";
            }
            return j.finished();
          });
          if (!news.empty()) {
            cursor->quiet_seconds = 0;
            if (!sink.write(news.data(), news.size())) return false;
          }
          if (finished || stopping) {
            sink.done();
            return true;
          }
          constexpr double kWait = 0.5;  // short, so that stop() is never kept waiting long
          queue.wait_for_change(cursor->seen, kWait);
          cursor->quiet_seconds += kWait;
          if (cursor->quiet_seconds >= kKeepAliveSeconds) {
            cursor->quiet_seconds = 0;
            static constexpr char kComment[] = ": still training\n\n";
            return sink.write(kComment, sizeof(kComment) - 1);  // false once the tab is closed
          }
          return true;
        },
        [this](bool) { streams.fetch_sub(1); });
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { stop(); }

int Server::bind() {
  auto& o = impl_->options;
  const int port = o.port() == 0 ? impl_->http.bind_to_any_port(o.host())
                                 : (impl_->http.bind_to_port(o.host(), o.port()) ? o.port() : -1);
  if (port <= 0) {
    throw Error("cannot listen on " + o.host() + ":" + std::to_string(o.port()) +
                " (is the port taken? choose another with --port, or 0 for any free one)");
  }
  impl_->port = port;
  return port;
}

void Server::run() { impl_->http.listen_after_bind(); }

void Server::stop() {
  impl_->stopping = true;
  impl_->http.stop();
}

}  // namespace hourglass::serve
