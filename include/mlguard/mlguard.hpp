#ifndef MLGUARD_MLGUARD_HPP
#define MLGUARD_MLGUARD_HPP

/// The umbrella header: includes every public mlguard header (io/ is kept
/// out: services hand mlguard tables and matrices, not files).

#include "mlguard/core/clock.hpp"
#include "mlguard/core/digest.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/iso8601.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/core/table_ops.hpp"
#include "mlguard/core/table_split.hpp"
#include "mlguard/core/version.hpp"

#include "mlguard/stats/alternative.hpp"
#include "mlguard/stats/cramer_von_mises.hpp"
#include "mlguard/stats/kolmogorov.hpp"
#include "mlguard/stats/ks.hpp"
#include "mlguard/stats/mann_whitney.hpp"
#include "mlguard/stats/normal.hpp"
#include "mlguard/stats/rank.hpp"
#include "mlguard/stats/special.hpp"
#include "mlguard/stats/wasserstein.hpp"

#include "mlguard/sketch/distinct_count.hpp"
#include "mlguard/sketch/frequent_items.hpp"
#include "mlguard/sketch/kll_sketch.hpp"

#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/profile/feature_profile.hpp"
#include "mlguard/profile/moments.hpp"

#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/categorical.hpp"
#include "mlguard/drift/concurrent_monitor.hpp"
#include "mlguard/drift/correction.hpp"
#include "mlguard/drift/distances.hpp"
#include "mlguard/drift/drift_monitor.hpp"
#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/drift/method.hpp"
#include "mlguard/drift/monitor_method.hpp"
#include "mlguard/drift/performance_tracker.hpp"
#include "mlguard/drift/psi.hpp"
#include "mlguard/drift/report.hpp"
#include "mlguard/drift/statistic.hpp"
#include "mlguard/drift/wasserstein.hpp"
#include "mlguard/drift/window.hpp"
#include "mlguard/drift/window_report.hpp"
#include "mlguard/drift/window_state.hpp"

#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/batch_validator.hpp"
#include "mlguard/validate/edit_schema.hpp"
#include "mlguard/validate/feature_skew.hpp"
#include "mlguard/validate/feature_spec.hpp"
#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/sample_values.hpp"
#include "mlguard/validate/schema.hpp"
#include "mlguard/validate/skew.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "mlguard/validate/validate_row.hpp"
#include "mlguard/validate/validation_report.hpp"

#include "mlguard/drift/online/adwin.hpp"
#include "mlguard/drift/online/ddm.hpp"
#include "mlguard/drift/online/detector_base.hpp"
#include "mlguard/drift/online/detector_state.hpp"
#include "mlguard/drift/online/detectors.hpp"
#include "mlguard/drift/online/eddm.hpp"
#include "mlguard/drift/online/hddm_a.hpp"
#include "mlguard/drift/online/hddm_w.hpp"
#include "mlguard/drift/online/kswin.hpp"
#include "mlguard/drift/online/kswin_sampler.hpp"
#include "mlguard/drift/online/option_table.hpp"
#include "mlguard/drift/online/page_hinkley.hpp"

#include "mlguard/pipeline/any_stage.hpp"
#include "mlguard/pipeline/builtin_stages.hpp"
#include "mlguard/pipeline/clipper.hpp"
#include "mlguard/pipeline/column_selector.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/min_max_scaler.hpp"
#include "mlguard/pipeline/monitoring_tap.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/robust_scaler.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_registry.hpp"
#include "mlguard/pipeline/stage_traits.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/pipeline/tap.hpp"
#include "mlguard/pipeline/tap_stages.hpp"
#include "mlguard/pipeline/validation_tap.hpp"
#if defined(__has_include)
#if __has_include(<xxhash.h>) // optional dependency: see pipeline/fingerprint.hpp
#include "mlguard/pipeline/fingerprint.hpp"
#endif
#endif

#include "mlguard/explain/background.hpp"
#include "mlguard/explain/contribution.hpp"
#include "mlguard/explain/linear_contributions.hpp"
#include "mlguard/explain/partial_dependence.hpp"
#include "mlguard/explain/permutation_importance.hpp"

#include "mlguard/registry/guards.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/registry/model_uri.hpp"
#include "mlguard/registry/model_version.hpp"
#include "mlguard/registry/names.hpp"
#if defined(__unix__) || defined(__APPLE__)
#include "mlguard/registry/file_registry.hpp" // POSIX: openat, flock, fsync
#endif

#include "mlguard/serving/feature_layout.hpp"
#include "mlguard/serving/model.hpp"
#include "mlguard/serving/model_slot.hpp"
#include "mlguard/serving/outcome.hpp"
#if defined(__unix__) || defined(__APPLE__)
#include "mlguard/serving/artifact_store.hpp" // POSIX: mkdir, rename, fsync
#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/serving/model_loaders.hpp"
#include "mlguard/serving/pipeline_model.hpp"
#include "mlguard/serving/publish.hpp"
#include "mlguard/serving/registry_follower.hpp"
#include "mlguard/serving/router.hpp"
#include "mlguard/serving/serving_metrics.hpp"
#endif

#include "mlguard/report/alert.hpp"
#include "mlguard/report/alert_notifier.hpp"
#include "mlguard/report/drift_alerts.hpp"
#include "mlguard/report/drift_html.hpp"
#include "mlguard/report/exposition.hpp"
#include "mlguard/report/html.hpp"
#include "mlguard/report/metric.hpp"
#include "mlguard/report/metric_registry.hpp"
#include "mlguard/report/metric_writer.hpp"
#include "mlguard/report/monitor_metrics.hpp"
#include "mlguard/report/stderr_sink.hpp"
#include "mlguard/report/timeline_html.hpp"
#include "mlguard/report/validation_html.hpp"
#include "mlguard/report/window_trigger.hpp"

#include "mlguard/rollback/canary_judge.hpp"
#include "mlguard/rollback/controller.hpp"
#include "mlguard/rollback/decision.hpp"
#include "mlguard/rollback/decision_engine.hpp"
#include "mlguard/rollback/hodges_lehmann.hpp"
#include "mlguard/rollback/policy.hpp"
#include "mlguard/rollback/replay.hpp"
#include "mlguard/rollback/signal.hpp"
#if defined(__unix__) || defined(__APPLE__)
#include "mlguard/rollback/canary.hpp" // through serving/router.hpp
#include "mlguard/rollback/rollback_metrics.hpp"
#include "mlguard/rollback/signals.hpp" // through serving/guarded_model.hpp
#endif

#endif // MLGUARD_MLGUARD_HPP
