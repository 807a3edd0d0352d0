#ifndef MLGUARD_EXAMPLES_SERVING_WEBHOOK_SINK_HPP
#define MLGUARD_EXAMPLES_SERVING_WEBHOOK_SINK_HPP

// webhook_sink: an alert sink that POSTs each notification as JSON in the
// shape of Alertmanager's webhook payload (report::to_json(alert_group):
// version "4", groupKey, status, receiver, groupLabels, commonLabels,
// commonAnnotations, alerts[]), so a receiver written for Alertmanager
// (a chat bridge, an incident tool) takes mlguard's notifications as they are.
// It lives in the examples because it needs cpp-httplib; the library stays
// free of HTTP.
//
// One POST per group (send_group), one per alert for a lone alert (send, as
// a group of one). Each call opens its own connection, so several threads
// may send at once; alerts are rare enough that reuse would buy nothing.
// Failures (no connection, a timeout, a status other than 2xx) throw
// io_error (mlguard.io.webhook_failed); alert_notifier counts them and goes on.
//
// Include it after the other mlguard headers: httplib.h pulls in glibc's
// <resolv.h>, whose _res macro breaks Eigen's parameter names.

#include <chrono>
#include <string>
#include <utility>

#include <mlguard/core/error.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/report/alert.hpp>

#include <httplib.h>

namespace mlguard::examples {

/// Where and how a webhook_sink posts.
struct webhook_options {
  /// "http://host:port/path" (https:// when cpp-httplib has OpenSSL).
  std::string url;
  /// The limit on connecting, and on each read and write of the request.
  std::chrono::milliseconds timeout = std::chrono::seconds(5);
};

/// POSTs notifications to a webhook (see the header comment).
class webhook_sink final : public report::alert_sink {
public:
  /// Throws argument_error (mlguard.argument.invalid_option) for a URL that
  /// is not http(s)://host[:port][/path] or a timeout that is not positive.
  explicit webhook_sink(webhook_options options) : options_(std::move(options)) {
    const auto scheme = options_.url.find("://");
    const auto prefix = options_.url.substr(0, scheme);
    if (scheme == std::string::npos || (prefix != "http" && prefix != "https") ||
        scheme + 3 >= options_.url.size() || options_.timeout.count() <= 0) {
      throw argument_error("invalid_option", "webhook_sink: want an http(s)://host[:port]/path "
                                             "URL and a positive timeout, got '" +
                                                 options_.url + "'");
    }
    const auto slash = options_.url.find('/', scheme + 3);
    base_ = options_.url.substr(0, slash);
    path_ = slash == std::string::npos ? "/" : options_.url.substr(slash);
  }

  /// Posts `a` as a group of one. Throws io_error (mlguard.io.webhook_failed).
  void send(const report::alert& a) override {
    report::alert_group g;
    g.labels = report::identity_labels(a);
    g.key = "{}:" + a.key;
    g.time = a.status == report::alert_status::resolved ? a.ends_at : a.time;
    g.alerts.push_back(a);
    send_group(g);
  }

  /// Posts the group's payload. Throws io_error (mlguard.io.webhook_failed).
  void send_group(const report::alert_group& g) override {
    httplib::Client client(base_);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout);
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout - seconds);
    client.set_connection_timeout(seconds.count(), micros.count());
    client.set_read_timeout(seconds.count(), micros.count());
    client.set_write_timeout(seconds.count(), micros.count());
    const auto result = client.Post(path_, dump_json(report::to_json(g)), "application/json");
    if (!result) {
      throw io_error("webhook_failed", options_.url + ": " + httplib::to_string(result.error()));
    }
    if (result->status < 200 || result->status > 299) {
      throw io_error("webhook_failed", options_.url + ": the receiver answered HTTP " +
                                           std::to_string(result->status));
    }
  }

private:
  webhook_options options_;
  std::string base_, path_;
};

} // namespace mlguard::examples

#endif // MLGUARD_EXAMPLES_SERVING_WEBHOOK_SINK_HPP
