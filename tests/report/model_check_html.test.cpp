// The model-check page: the verdict, each compared metric with its test and numbers,
// the behavioural tests, hostile text escaped.

#include <doctest/doctest.h>

#include <string>

#include "mlguard/core/json.hpp"
#include "mlguard/report/model_check_html.hpp"

using namespace mlguard;

namespace model_check_html_test {

json check_document() {
  return json::parse(R"({
    "format": "mlguard.model_check", "format_version": 1,
    "bundle": {"path": "new", "digest": "sha256:abc"},
    "holdout": {"path": "<script>alert(1)</script>.csv", "rows": 600},
    "against": {"uri": "models:/tips@champion", "model": "tips", "version": 1,
                "artifact_digest": "sha256:def"},
    "comparison": {"passed": false, "reason": "refused: McNemar", "rows": 600, "excluded": 0,
      "metrics": [
        {"test": "mcnemar_exact", "metric": "accuracy", "champion": 0.99, "challenger": 0.65,
         "improvement": -0.34, "p_value": 1.9e-62, "champion_only": 205, "challenger_only": 0,
         "passed": false, "reason": "refused: McNemar's exact test <b>"},
        {"test": "paired_bootstrap", "metric": "roc_auc", "champion": 0.9998,
         "challenger": 0.87, "improvement": -0.13, "ci_low": -0.16, "ci_high": -0.10,
         "confidence": 0.95, "passed": false, "reason": "refused: paired bootstrap"}]},
    "behaviour": {"passed": true, "reason": "", "tests": [
        {"name": "more fare, no less tip", "kind": "directional", "passed": true,
         "checked": 600, "skipped": 0, "failed": 0, "worst": 0, "example": ""}]},
    "recorded": null, "passed": false, "reason": "refused: McNemar's exact test <b>"})");
}

} // namespace model_check_html_test

TEST_CASE("model_check_html: verdict, metrics with their numbers, behavioural tests, escaped") {
  const auto page = report::model_check_html(model_check_html_test::check_document());
  CHECK(page.find("<title>Model check</title>") != std::string::npos);
  CHECK(page.find("badge bad\">FAIL") != std::string::npos);
  CHECK(page.find("mcnemar_exact") != std::string::npos);
  CHECK(page.find("1.9e-62") != std::string::npos);
  CHECK(page.find("[-0.16, -0.1]") != std::string::npos);
  CHECK(page.find("more fare, no less tip") != std::string::npos);
  CHECK(page.find("<script>") == std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;.csv") != std::string::npos);
  auto passed = model_check_html_test::check_document();
  passed["passed"] = true;
  CHECK(report::model_check_html(passed).find("badge good\">PASS") != std::string::npos);
}
