#ifndef MLGUARD_PIPELINE_TAP_HPP
#define MLGUARD_PIPELINE_TAP_HPP

// Taps: stages that watch the rows going by and may flag, reject or modify
// them, without changing the width. They sit anywhere in a pipeline.
//
// A tap derives from tap<Derived> and provides
//
//   static constexpr std::string_view kind;
//   mlguard::row_status inspect(mlguard::span<double> row) noexcept; // may edit the row
//   mlguard::json to_json() const;
//   static Derived from_json(const mlguard::json_reader& params,
//                            const std::vector<std::string>& names);
//   void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);            // optional
//
// and inherits bind, widths, names and both transforms. inspect() returns ok,
// flagged (the row continues, the pipeline reports it), rejected (the row stops
// and comes out as NaN) or invalid_input. It runs on the per-row hot path: it
// must not allocate, throw or block.
//
// mlguard's own taps: validation_tap.hpp (checks rows against a
// validate::schema and applies its row policies) and monitoring_tap.hpp
// (feeds a windowed drift monitor whose reference is the training data at
// that point of the chain). Both are in stage_registry::builtin().

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/detail/params.hpp"
#include "mlguard/pipeline/row_status.hpp"

namespace mlguard::pipeline {

/// CRTP base of taps (see the top of this header): a width-preserving stage
/// built around Derived::inspect(span<double>) noexcept.
template <typename Derived>
class tap {
public:
  /// Learns the input layout (the output is the same).
  void bind(const std::vector<std::string>& names_in) { names_in_ = names_in; }
  std::size_t input_width() const noexcept { return names_in_.size(); }
  std::size_t output_width() const noexcept { return names_in_.size(); }
  const std::vector<std::string>& feature_names_in() const noexcept { return names_in_; }
  std::vector<std::string> feature_names_out() const { return names_in_; }

  /// Batch: inspects every row that has not stopped, raising its status; a
  /// row that stops comes out as NaN. Throws pipeline_error (width_mismatch).
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 span<row_status> status) {
    detail::check_width(static_cast<std::size_t>(in.cols()), input_width(), Derived::kind);
    out = in;
    std::vector<double> row(names_in_.size());
    for (Eigen::Index i = 0; i < in.rows(); ++i) {
      const auto r = static_cast<std::size_t>(i);
      if (!status.empty() && stops(status[r])) {
        continue;
      }
      for (std::size_t j = 0; j < row.size(); ++j) {
        row[j] = in(i, static_cast<Eigen::Index>(j));
      }
      const row_status s = static_cast<Derived&>(*this).inspect(span<double>(row));
      if (!status.empty()) {
        status[r] = worst(status[r], s);
      }
      for (std::size_t j = 0; j < row.size(); ++j) {
        out(i, static_cast<Eigen::Index>(j)) = stops(s) ? detail::nan : row[j];
      }
    }
  }

  /// One row: copies it, inspects it in place. Never throws or allocates.
  row_status transform_row(const double* in, double* out) noexcept {
    const std::size_t n = names_in_.size();
    std::copy(in, in + n, out);
    const row_status s = static_cast<Derived&>(*this).inspect(span<double>(out, n));
    if (stops(s)) {
      std::fill(out, out + n, detail::nan);
    }
    return s;
  }

protected:
  tap() = default;
  std::vector<std::string> names_in_;
};

/// A tap that calls a user function on each row: for logging, sampling,
/// custom checks or counters. The callback gets the row (editable) and
/// returns its status; it must be noexcept in spirit (an exception escaping
/// it on the per-row path terminates, as transform_row is noexcept).
///
/// A callback cannot be persisted: to_json() records only the label, and a
/// loaded callback_tap passes rows through until set_callback() is called.
class callback_tap : public tap<callback_tap> {
public:
  static constexpr std::string_view kind = "callback_tap";
  using callback = std::function<row_status(span<double>)>;

  /// `label` identifies the tap in the pipeline document.
  explicit callback_tap(callback f = {}, std::string label = "callback")
      : f_(std::move(f)), label_(std::move(label)) {}

  /// Replaces the callback (e.g. after loading a pipeline).
  void set_callback(callback f) { f_ = std::move(f); }
  const std::string& label() const noexcept { return label_; }

  /// Calls the callback, or passes the row through when there is none.
  row_status inspect(span<double> row) noexcept { return f_ ? f_(row) : row_status::ok; }

  /// {"label"}.
  template <class = void> // deferred: see core/json.hpp
  json to_json() const {
    json j = json::object();
    j["label"] = label_;
    return j;
  }
  /// A pass-through tap with the stored label. Throws format_error (unknown_field).
  template <class = void>
  static callback_tap from_json(const json_reader& params,
                                const std::vector<std::string>& names_in) {
    params.allow_fields({"label"});
    callback_tap t({}, params.has("label") ? params.text("label") : std::string("callback"));
    t.bind(names_in);
    return t;
  }

private:
  callback f_;
  std::string label_;
};

} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_TAP_HPP
