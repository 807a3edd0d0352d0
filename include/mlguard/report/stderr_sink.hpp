#ifndef MLGUARD_REPORT_STDERR_SINK_HPP
#define MLGUARD_REPORT_STDERR_SINK_HPP

// stderr_sink: one line a person reads per alert, on stderr (or any stdio
// stream), for a service whose logs are its standard error:
//
//   2026-11-27T00:05:00.000Z FIRING warning FeatureDrift{feature="age",stream="inputs"}: feature
//   'age' ...
//
// Thread safety: send() may be called from several threads at once; each
// line is written whole.

#include <cstdio>
#include <mutex>
#include <string>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/iso8601.hpp"
#include "mlguard/report/alert.hpp"

namespace mlguard::report {

/// The line stderr_sink writes for `a` (without the newline): time (its end
/// when resolved), FIRING or RESOLVED, severity, alertname{other labels}, summary.
template <class = void>
std::string alert_line(const alert& a);

/// Writes alert_line(a) and a newline per alert to a stdio stream, flushed.
template <class = void> // deferred: see core/json.hpp
class basic_stderr_sink final : public alert_sink {
public:
  /// Writes to `stream` (stderr by default; not closed by the sink).
  explicit basic_stderr_sink(std::FILE* stream = stderr) noexcept : stream_(stream) {}

  /// Throws io_error (mlguard.io.write_failed) when the stream refuses the line.
  void send(const alert& a) override;

private:
  std::FILE* stream_;
  std::mutex mutex_;
};

/// The type to name (a class template only so that its bodies compile where used).
using stderr_sink = basic_stderr_sink<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class>
std::string alert_line(const alert& a) {
  alert_labels labels = identity_labels(a);
  std::string line = format_iso8601(a.status == alert_status::resolved ? a.ends_at : a.time);
  line.append(a.status == alert_status::resolved ? " RESOLVED " : " FIRING ")
      .append(to_string(a.level))
      .append(" ")
      .append(labels["alertname"])
      .append("{");
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (name != "alertname" && name != "severity") {
      line.append(first ? "" : ",").append(name).append("=\"").append(value).append("\"");
      first = false;
    }
  }
  line.append("}");
  if (!a.summary.empty()) {
    line.append(": ").append(a.summary);
  }
  for (char& c : line) { // one alert, one line
    c = c == '\n' || c == '\r' ? ' ' : c;
  }
  return line;
}

template <class V>
MLGUARD_INLINE auto basic_stderr_sink<V>::send(const alert& a) -> void {
  const std::string line = alert_line(a) + "\n";
  const std::lock_guard<std::mutex> lock(mutex_);
  if (std::fputs(line.c_str(), stream_) == EOF || std::fflush(stream_) != 0) {
    throw io_error("write_failed", "stderr_sink: cannot write an alert");
  }
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_STDERR_SINK_HPP
