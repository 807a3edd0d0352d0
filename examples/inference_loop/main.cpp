// mlguard's story in one run: train, publish, serve, canary, promote, and roll
// back by itself when the world changes.
//
//   1. v1 (fare, distance, passengers) is trained on January and made champion.
//   2. February is served by v1. v2, a retrain that read the wrong label column,
//      gets 10% of the traffic as a canary; the judge fails it and the canary is
//      aborted: it never serves everyone.
//   3. v3 adds the payment type and is canaried the same way; the judge passes
//      it and it is promoted.
//   4. In April the payments service renumbers its codes (card 1 → 2, cash
//      2 → 1). The input monitor sees payment_type drift, v3's accuracy
//      collapses, and the rollback controller puts v1 back by itself, with the
//      reason in the registry's journal.
//
// Operators watch it the usual way: drift alerts grouped and de-duplicated as
// Alertmanager does, a Prometheus scrape of the service (metrics.txt), and the
// champion's monitor windows as an HTML timeline (timeline.html).
//
// Deterministic: a manual clock (4 minutes per trip), the followers, the judge
// and the controller polled at fixed points of the stream. NYC taxi trips of
// 2019 when ../shared/data is there, a synthetic month otherwise.
//
//   inference_loop [DATA_DIR] [--model xgboost]
//
// --model xgboost (when built with mlguard::xgboost): v3 is an XGBoost
// booster instead of a logistic regression; the same slots, canary and
// rollback serve it.
#include <mlguard/io/csv.hpp>
#include <mlguard/mlguard.hpp>
#ifdef MLGUARD_DEMO_XGBOOST
#include <mlguard/xgboost/train.hpp>
#include <mlguard/xgboost/xgboost_model.hpp>
#endif

#include <stdlib.h> // mkdtemp

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "timeline.hpp"
#include "trips.hpp"
#include "watchers.hpp"

using namespace mlguard;
using namespace std::chrono_literals;

namespace {

using full_model = pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler,
                                             pipeline::logistic_regression>;
using fare_model =
    pipeline::static_pipeline<pipeline::column_selector, pipeline::imputer,
                              pipeline::standard_scaler, pipeline::logistic_regression>;

// Trains `model` on `data` with `labels`, publishes it and says so.
template <typename Model>
int train_and_publish(Model model, const demo::month& data, const Eigen::VectorXd& labels,
                      const std::string& description, registry::model_registry& models,
                      serving::artifact_store& store, demo::timeline& story) {
  const auto& names = demo::request_columns();
  model.fit(to_matrix(data.trips, names), names, labels);
  registry::version_metadata meta;
  meta.description = description;
  const auto v = serving::publish(models, store, "tips", serving::make_bundle(model, data.trips),
                                  meta, {"trainer", description});
  story.add(v.version, "published", description + " (" + v.artifact_digest.substr(0, 19) + "…)");
  return v.version;
}

#ifdef MLGUARD_DEMO_XGBOOST
// Trains a booster on `data` through XGBoost's C API, behind a pipeline that
// hands it the request's columns as they are (missing stays missing), and
// publishes it.
int train_and_publish_booster(const demo::month& data, const Eigen::VectorXd& labels,
                              const std::string& description, serving::model_loaders& loaders,
                              registry::model_registry& models, serving::artifact_store& store,
                              demo::timeline& story) {
  const auto& names = demo::request_columns();
  xgboost::train_options o;
  o.params = {{"objective", "binary:logistic"},
              {"max_depth", "4"},
              {"eta", "0.3"},
              {"nthread", "1"},
              {"seed", "0"}};
  o.rounds = 30;
  const auto booster = xgboost::train_booster(to_matrix(data.trips, names), labels, names, o);
  pipeline::static_pipeline<pipeline::column_selector> pass{pipeline::column_selector(names)};
  pass.fit(to_matrix(data.trips, names), names);
  const auto bundle =
      serving::make_bundle(pass, serving::model_spec{"xgboost", "booster.ubj"},
                           serving::bundle_members{{"booster.ubj", booster}}, data.trips, loaders);
  registry::version_metadata meta;
  meta.description = description;
  const auto v = serving::publish(models, store, "tips", bundle, meta, {"trainer", description});
  story.add(v.version, "published", description + " (" + v.artifact_digest.substr(0, 19) + "…)");
  return v.version;
}
#endif

// The request row of trip `i` (demo::request_columns() order), payment codes
// renumbered when `renumbered`.
std::array<double, 4> request(const demo::month& m, std::size_t i, bool renumbered) {
  std::array<double, 4> row{};
  for (std::size_t k = 0; k < row.size(); ++k) {
    row[k] = m.trips[k].values()[i];
  }
  if (renumbered && (row[3] == 1 || row[3] == 2)) {
    row[3] = 3 - row[3]; // payment_type: card 1 ↔ cash 2
  }
  return row;
}

} // namespace

int main(int argc, char** argv) {
  const char* data_arg = MLGUARD_DEMO_DATA_DIR;
  bool use_xgboost = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      use_xgboost = std::strcmp(argv[++i], "xgboost") == 0;
      if (!use_xgboost && std::strcmp(argv[i], "logistic") != 0) {
        std::fprintf(stderr, "--model takes logistic or xgboost, not %s\n", argv[i]);
        return 2;
      }
    } else {
      data_arg = argv[i];
    }
  }
#ifndef MLGUARD_DEMO_XGBOOST
  if (use_xgboost) {
    std::fprintf(stderr, "--model xgboost: this build has no XGBoost (libxgboost-dev)\n");
    return 2;
  }
#endif
  const std::string data_dir = demo::find_data(data_arg);
  std::string dir = (std::filesystem::temp_directory_path() / "mlguard-demo-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  const std::filesystem::path root = dir;

  manual_clock clock(parse_iso8601("2019-02-01T00:00:00Z"));
  demo::timeline story(clock);
  std::printf("mlguard %s: the inference loop of a taxi-tip service, %s\n", version().string,
              data_dir.empty() ? "on synthetic trips (../shared/data is absent)"
                               : "on NYC yellow-taxi trips of 2019");

  registry::file_registry_options ro;
  ro.clock = &clock;
  registry::file_registry models((root / "registry").string(), ro);
  serving::file_artifact_store store((root / "artifacts").string());
  demo::watchers watch(clock, story); // metrics, drift alerts, the monitor timeline

  // ---- the controller: roll the champion back when its accuracy collapses
  const auto policy = rollback::all_of(
      {rollback::grace(500, "accuracy"), rollback::cooldown(1h), rollback::limit(2, 24h),
       rollback::threshold("accuracy", 0.5, 0.6, rollback::worse::below, 200)});
  rollback::controller_options co;
  co.model = "tips";
  co.actor = "rollback-controller";
  co.clock = &clock;
  co.trace_path = (root / "controller-trace.jsonl").string();
  co.alerts.push_back(std::make_shared<report::json_lines_sink>((root / "alerts.jsonl").string()));
  co.on_decision = [&](const rollback::decision& d) {
    story.add(d.version, std::string("controller: ") + rollback::to_string(d.action), d.reason);
  };
  watch.controller().connect(co);
  std::unique_ptr<rollback::rollback_controller> controller; // once the model exists

  // ---- serving: followers keep the champion and challenger slots current
  serving::follower_options fo;
  fo.model.lanes = 1;
  fo.model.inputs.window = drift::window_options::tumbling(500);
  fo.model.performance.window = 250;
#ifdef MLGUARD_DEMO_XGBOOST
  fo.model.models.add<xgboost::xgboost_model>();
#endif
  serving::model_slot<serving::guarded_model> champion, challenger;
  std::vector<std::unique_ptr<serving::registry_follower>> followers;

  story.act("January: train v1");
  const demo::month january = demo::load_month(data_dir, 1);
  const fare_model v1_model(
      pipeline::column_selector({"fare_amount", "trip_distance", "passenger_count"}),
      pipeline::imputer(), pipeline::standard_scaler(), pipeline::logistic_regression());
  const int v1 = train_and_publish(v1_model, january, january.tipped,
                                   "fare, distance and passengers", models, store, story);
  models.set_alias("tips", "champion", v1, registry::alias_expectation::absent(),
                   {"release-manager", "first model"});
  controller = std::make_unique<rollback::rollback_controller>(models, policy, co);
  watch.controller().watch(*controller);
  rollback::connect(fo.model, *controller, clock);
  watch.connect(fo, champion);
  for (auto* slot : {&champion, &challenger}) {
    const std::string alias = slot == &champion ? "champion" : "challenger";
    auto options = fo;
    options.on_event = [&story, alias, counted = fo.on_event](const serving::follower_event& e) {
      counted(e);           // the swap and failure counters (watch.connect)
      if (e.version != 0) { // version 0: the alias is not set (no canary running)
        story.add(e.version, "follower: " + std::string(to_string(e.what)),
                  alias + (e.reason.empty() ? "" : ": " + e.reason));
      }
    };
    followers.push_back(std::make_unique<serving::registry_follower>(
        models, store, "models:/tips@" + alias, *slot, options));
  }

  serving::router_options route;
  route.capacity = 2000;
  route.error_batch = 10; // judge error rates over 10 labels (0/1 errors alone say little)
  serving::canary_router router(champion, challenger, route);
  watch.serving().watch(champion, "champion");
  watch.serving().watch(challenger, "challenger");
  watch.serving().watch(router);
  watch.serving().watch(models);
  rollback::canary_release_options cro;
  cro.model = "tips";
  cro.clock = &clock;
  cro.metric.min_sample_size = 20; // batches: the challenger's 200 first labels
  cro.on_decision = [&](const rollback::decision& d) {
    // keep: too early to tell; the judge asks again on the next poll.
    if (d.action == rollback::decision_verdict::rollback) {
      story.add(d.version, "canary: aborted", d.reason);
    } else if (d.action == rollback::decision_verdict::promote) {
      story.add(d.version, "canary: promoted", d.reason);
    } else if (d.action == rollback::decision_verdict::hold) {
      story.add(d.version, "canary: hold", d.reason);
    }
  };
  watch.canary().connect(cro);
  rollback::canary_release release(models, router, cro);

  // Serves a month through the router, labels arriving after each answer.
  std::uint64_t served = 0;
  auto serve = [&](const demo::month& m, std::size_t from, std::size_t to, bool renumbered) {
    std::size_t right = 0, answered = 0;
    for (std::size_t i = from; i < to; ++i, ++served) {
      clock.advance(4min);
      if (served % 50 == 0) {
        for (auto& f : followers) {
          f->poll();
        }
        controller->poll();
        watch.tick();
      }
      if (served % 250 == 0) {
        release.poll();
      }
      const auto row = request(m, i, renumbered);
      const auto start = std::chrono::steady_clock::now();
      const auto r = router.predict(served, span<const double>(row.data(), row.size()));
      watch.serving().request_seconds().observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      const double label = m.tipped[static_cast<Eigen::Index>(i)];
      router.record_label(r.answer.request_id, label);
      answered += r.answer.status != serving::request_status::rejected ? 1 : 0;
      right += (r.answer.prediction > 0.5) == (label > 0.5) ? 1 : 0;
    }
    return answered == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(answered);
  };
  auto canary = [&](int version) {
    models.set_alias("tips", "challenger", version, registry::alias_expectation::any(),
                     {"release-manager", "canary at 10%"});
    for (auto& f : followers) {
      f->poll();
    }
    router.set_percent(10);
    story.add(version, "canary", "10% of the traffic, by a stable hash of the trip id");
  };

  story.act("February: v1 serves; v2 (a retrain on the wrong label) is canaried");
  const demo::month february = demo::load_month(data_dir, 2);
  char line[160];
  std::snprintf(line, sizeof line, "accuracy %.3f over 3000 trips",
                serve(february, 0, 3000, false));
  story.add(v1, "serving", line);
  const int v2 =
      train_and_publish(full_model(), february, february.tolled,
                        "retrain, labels from tolls_amount (a bug)", models, store, story);
  canary(v2);
  serve(february, 3000, 7000, false);

  story.act("February–March: v3 (adds the payment type) is canaried and promoted");
#ifdef MLGUARD_DEMO_XGBOOST
  const int v3 = use_xgboost ? train_and_publish_booster(february, february.tipped,
                                                         "XGBoost, adds payment_type",
                                                         fo.model.models, models, store, story)
                             : train_and_publish(full_model(), february, february.tipped,
                                                 "adds payment_type", models, store, story);
#else
  const int v3 = train_and_publish(full_model(), february, february.tipped, "adds payment_type",
                                   models, store, story);
#endif
  canary(v3);
  serve(february, 7000, 10000, false);
  {
    // Why does the champion predict what it does? Exact contributions to one trip's
    // prediction (log-odds: SHAP's linear formula, or TreeSHAP for a booster).
    const auto model = champion.acquire();
    const auto row = request(february, 9999, false);
    const auto why = model->explain(span<const double>(row.data(), row.size()));
    std::vector<std::size_t> order(why.names.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::abs(why.contributions[a]) > std::abs(why.contributions[b]);
    });
    std::string text = "trip 9999 of February:";
    for (std::size_t k = 0; k < order.size() && k < 3; ++k) {
      char value[32];
      std::snprintf(value, sizeof value, " %+.2f", why.contributions[order[k]]);
      text += (k == 0 ? " " : ", ") + why.names[order[k]] + value;
    }
    char base[64];
    std::snprintf(base, sizeof base, " (base %+.2f)", why.base_value);
    story.add(model->version(), "explained", text + base);
  }
  const demo::month march = demo::load_month(data_dir, 3);
  std::snprintf(line, sizeof line, "accuracy %.3f over March", serve(march, 0, 10000, false));
  story.add(champion.acquire()->version(), "serving", line);

  story.act("April: the payments service renumbers its codes (card 1 → 2, cash 2 → 1)");
  const demo::month april = demo::load_month(data_dir, 4);
  std::snprintf(line, sizeof line, "accuracy %.3f over 3000 trips", serve(april, 0, 3000, false));
  story.add(champion.acquire()->version(), "serving", line);
  story.add(0, "upstream change", "payment_type codes renumbered from here on");
  std::snprintf(line, sizeof line, "accuracy %.3f over the rest of April",
                serve(april, 3000, 10000, true));
  story.add(champion.acquire()->version(), "serving", line);

  story.act("The registry's journal");
  json journal = json::array();
  for (const auto& r : models.audit_log("tips")) {
    if (r.alias.empty() && r.action != registry::audit_action::register_version) {
      continue;
    }
    std::printf("%s  %-16s %-10s %-3s %-20s %s\n", format_iso8601(r.time).substr(0, 16).c_str(),
                registry::to_string(r.action), r.alias.c_str(),
                r.version ? ("v" + std::to_string(*r.version)).c_str() : "", r.actor.c_str(),
                r.reason.c_str());
    journal.push_back({{"sequence", r.sequence},
                       {"time", format_iso8601(r.time)},
                       {"action", registry::to_string(r.action)},
                       {"alias", r.alias},
                       {"version", r.version ? json(*r.version) : json(nullptr)},
                       {"actor", r.actor},
                       {"reason", r.reason}});
  }
  const auto report_path = (root / "report.json").string();
  save_json(report_path, json{{"timeline", story.events()}, {"journal", journal}});
  const auto policy_path = (root / "policy.json").string();
  rollback::policy_document{policy}.save(policy_path);

  story.act("What the operators saw (a Prometheus scrape, excerpt)");
  watch.finish(dir);
  std::printf("\nreport: %s\nmetrics: %s/metrics.txt\nmonitor timeline: %s/timeline.html\n"
              "replay the controller's decisions: mlguard replay --policy %s %s\n",
              report_path.c_str(), dir.c_str(), dir.c_str(), policy_path.c_str(),
              co.trace_path.c_str());

  // The story must have happened as told: the demo doubles as a test.
  bool v2_aborted = false, v3_promoted = false, v3_rolled_back = false, v2_champion = false;
  for (const auto& r : models.audit_log("tips")) {
    v2_aborted |= r.action == registry::audit_action::delete_alias && r.previous_version == v2;
    v2_champion |= r.alias == "champion" && r.version == v2;
    v3_promoted |= r.alias == "champion" && r.version == v3 && r.actor == "canary-release";
    v3_rolled_back |= r.action == registry::audit_action::rollback_alias &&
                      r.previous_version == v3 && r.version == v1 &&
                      r.actor == "rollback-controller" && !r.reason.empty();
  }
  const bool told = v2_aborted && !v2_champion && v3_promoted && v3_rolled_back;
  std::printf("%s\n", told ? "story: v2 aborted at canary, v3 promoted, v3 rolled back to v1"
                           : "story: NOT as told");
  return told ? 0 : 1;
}
