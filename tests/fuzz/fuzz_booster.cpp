// libFuzzer harness: the check that runs before XGBoost loads a model
// (mlguard/xgboost/detail/booster_check.hpp), on any bytes. It must answer,
// never throw or crash: it stands between a bundle member and a parser that
// trusts its input. Needs no XGBoost.

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "mlguard/xgboost/detail/booster_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const std::string problem = mlguard::xgboost::detail::booster_problem(bytes);
    if (mlguard::fuzz::verbose() && !problem.empty()) {
      std::fprintf(stderr, "refused: %s\n", problem.c_str());
    }
  } catch (const std::exception& e) {
    mlguard::fuzz::finding("booster_problem threw", e.what());
  }
  return 0;
}
