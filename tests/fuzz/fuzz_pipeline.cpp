// libFuzzer harness: pipeline::dynamic_pipeline::from_json (the loader the
// registry and the CLI use) on any bytes. It must load or throw an
// mlguard::error; a loaded pipeline must save and load back to the same
// text, and run rows of odd values without throwing.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"

namespace {

using mlguard::pipeline::dynamic_pipeline;

dynamic_pipeline load(std::string_view text, const char* source) {
  return dynamic_pipeline::from_json(mlguard::parse_json(text, source),
                                     mlguard::pipeline::builtin_stages(), source);
}

std::string save(const dynamic_pipeline& p) { return mlguard::dump_json(p.to_json()); }

// Rows of one value repeated: zero, one, a negative, NaN, the infinities, the extremes.
void run_probes(dynamic_pipeline& p) {
  const double probes[] = {0.0,
                           1.0,
                           -3.5,
                           std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::max(),
                           -std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::denorm_min()};
  std::vector<double> in(p.input_width());
  std::vector<double> out(p.output_width());
  for (double v : probes) {
    in.assign(in.size(), v);
    (void)p.transform_row(mlguard::span<const double>(in.data(), in.size()),
                          mlguard::span<double>(out.data(), out.size()));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<dynamic_pipeline> p;
  if (!mlguard::fuzz::loads([&] { p.emplace(load(text, "fuzz")); })) {
    return 0;
  }
  const std::string saved =
      mlguard::fuzz::must("pipeline: to_json threw", [&] { return save(*p); });
  mlguard::fuzz::round_trip(
      "pipeline round trip", saved, [](const std::string& t) { return load(t, "saved"); }, save);
  run_probes(*p);
  return 0;
}
