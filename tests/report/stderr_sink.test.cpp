// stderr_sink: one readable line per alert.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "mlguard/report/stderr_sink.hpp"
#include "test_support.hpp"

namespace rp = mlguard::report;

TEST_CASE("stderr_sink: one line per alert with status, severity, labels and summary") {
  rp::alert a;
  a.time = mlguard::timestamp(std::chrono::seconds(1795737600));
  a.labels = {{"alertname", "FeatureDrift"}, {"feature", "age"}, {"stream", "inputs"}};
  a.summary = "feature 'age' drifted\nin 3 of 5";
  CHECK(rp::alert_line(a) == "2026-11-27T00:00:00.000Z FIRING warning "
                             "FeatureDrift{feature=\"age\",stream=\"inputs\"}: "
                             "feature 'age' drifted in 3 of 5");
  a.status = rp::alert_status::resolved;
  a.ends_at = a.time + std::chrono::minutes(5);
  a.summary.clear();
  CHECK(
      rp::alert_line(a) ==
      "2026-11-27T00:05:00.000Z RESOLVED warning FeatureDrift{feature=\"age\",stream=\"inputs\"}");

  mlguard::test::temp_dir dir;
  const std::string path = dir.file("stderr.txt");
  std::FILE* file = std::fopen(path.c_str(), "w");
  REQUIRE(file != nullptr);
  {
    rp::stderr_sink sink(file);
    rp::alert_group g;
    g.alerts = {a, a};
    sink.send_group(g);
  }
  std::fclose(file);
  const std::string text = mlguard::test::read_file(path);
  CHECK(text == rp::alert_line(a) + "\n" + rp::alert_line(a) + "\n");

  std::FILE* closed = std::fopen(path.c_str(), "r"); // a stream that refuses writes
  REQUIRE(closed != nullptr);
  rp::stderr_sink refused(closed);
  MLGUARD_CHECK_THROWS_ID(refused.send(a), "mlguard.io.write_failed");
  std::fclose(closed);
}
