// libFuzzer harness: validate::schema::parse on any bytes. It must load or
// throw an mlguard::error; a loaded schema must save and load back to the
// same text, and validate rows of odd fields without throwing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "mlguard/validate/schema.hpp"
#include "mlguard/validate/validate_row.hpp"

namespace {

using mlguard::validate::schema;

// Every feature gets the same field: missing, NaN, infinities, the extremes,
// a fraction, a word, a boolean.
void validate_probes(const schema& s) {
  const char* const probes[] = {"", "nan", "inf", "-inf", "0", "1", "-1e308", "0.5", "x", "true"};
  std::vector<std::string_view> fields(s.size());
  std::vector<double> row(s.size());
  std::vector<mlguard::validate::anomaly_set> out(s.size());
  for (const char* probe : probes) {
    fields.assign(s.size(), probe);
    mlguard::fuzz::must("validate_fields threw on a loaded schema",
                        [&] { return mlguard::validate::validate_fields(s, fields, row, out); });
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<schema> s;
  if (!mlguard::fuzz::loads([&] { s = schema::parse(text, "fuzz"); })) {
    return 0;
  }
  const auto save = [](const schema& x) { return x.dump(-1); };
  const std::string saved = mlguard::fuzz::must("schema: dump threw", [&] { return save(*s); });
  mlguard::fuzz::round_trip(
      "schema round trip", saved, [](const std::string& t) { return schema::parse(t, "saved"); },
      save);
  validate_probes(*s);
  return 0;
}
