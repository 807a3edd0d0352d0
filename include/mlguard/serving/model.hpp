#ifndef MLGUARD_SERVING_MODEL_HPP
#define MLGUARD_SERVING_MODEL_HPP

// The model contract of mlguard serving, checked at compile time, and
// any_model, which holds any model that meets it behind one type.
//
// A model is a class M that a guarded_model can serve (rows are a request's
// features in layout order, as validate_row leaves them):
//
//   static constexpr std::string_view kind = "my_runtime";  // model.json's "kind"
//   static M from_bundle(const mlguard::serving::model_bundle& bundle,  // loads it from
//                        const mlguard::pipeline::stage_registry& stages); // the bundle; throws
//   std::vector<std::string> feature_names_in() const;   // the features it reads, in order
//   std::vector<std::string> feature_names_out() const;  // its outputs; [0] is the prediction
//   mlguard::pipeline::row_status predict_row(const double* in,  // one row: no allocation,
//                                             double* out) noexcept; // no throw
//   copyable                                             // one copy per serving lane
//
// Optional:
//   void predict_batch(mlguard::span<const double> rows,    // row-major, n x inputs
//                      mlguard::span<double> out,           // row-major, n x outputs
//                      mlguard::span<mlguard::pipeline::row_status> status); // n; may throw
//   std::vector<std::string> explanation_names() const;  // what explain_row attributes to
//   void explain_row(const double* in, double* contributions); // one per name, then the
//                                                        // base value; may allocate or throw
//   bool explains() const;                               // false: explain_row has nothing
//                                                        // to say for this instance
//   std::size_t explain_top(const double* in,            // the k largest contributions
//       mlguard::explain::feature_contribution* out,     // (features index explanation_names),
//       std::size_t k) noexcept;                         // returns how many; no allocation
//
// predict_row reports a row it cannot score with a status that stops()
// (rejected, invalid_input) and leaves `out` as NaN. A model shares what is
// immutable and large (a booster, weights) between its copies, e.g. through
// a std::shared_ptr, and keeps per-copy only the buffers predict_row writes.
// No mlguard base class is needed: a small adapter class around a runtime is
// enough (docs/serving.md, "bring your own model").

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/detail/detect.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/explain/contribution.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_registry.hpp"

namespace mlguard::serving {

struct model_bundle;

namespace detail {

using model_names = std::vector<std::string>;

template <typename M>
using model_kind_t = decltype(std::string_view(M::kind));
template <typename M>
using from_bundle_t = decltype(M::from_bundle(std::declval<const model_bundle&>(),
                                              std::declval<const pipeline::stage_registry&>()));
template <typename M>
using model_names_t =
    decltype(static_cast<model_names>(std::declval<const M&>().feature_names_in()),
             static_cast<model_names>(std::declval<const M&>().feature_names_out()));
template <typename M>
using predict_row_t = decltype(std::declval<M&>().predict_row(std::declval<const double*>(),
                                                              std::declval<double*>()));
template <typename M>
using predict_batch_t =
    decltype(std::declval<M&>().predict_batch(std::declval<span<const double>>(),
                                              std::declval<span<double>>(),
                                              std::declval<span<pipeline::row_status>>()));
template <typename M>
using explain_t = decltype(static_cast<model_names>(std::declval<const M&>().explanation_names()),
                           std::declval<M&>().explain_row(std::declval<const double*>(),
                                                          std::declval<double*>()));

template <typename M>
using explains_t = decltype(static_cast<bool>(std::declval<const M&>().explains()));
template <typename M>
using explain_top_t = std::enable_if_t<
    noexcept(std::declval<M&>().explain_top(std::declval<const double*>(),
                                            std::declval<explain::feature_contribution*>(),
                                            std::declval<std::size_t>())),
    decltype(static_cast<std::size_t>(std::declval<M&>().explain_top(
        std::declval<const double*>(), std::declval<explain::feature_contribution*>(),
        std::declval<std::size_t>())))>;

template <typename M, bool = ::mlguard::detail::is_detected<M, predict_row_t>::value>
struct predict_row_noexcept : std::false_type {};
template <typename M>
struct predict_row_noexcept<M, true>
    : std::bool_constant<noexcept(std::declval<M&>().predict_row(std::declval<const double*>(),
                                                                 std::declval<double*>())) &&
                         std::is_same_v<predict_row_t<M>, pipeline::row_status>> {};
} // namespace detail

/// True when M has predict_batch(rows, out, status) (see the contract above).
template <typename M>
inline constexpr bool has_predict_batch_v =
    ::mlguard::detail::is_detected<M, detail::predict_batch_t>::value;
/// True when M has explanation_names() and explain_row(in, contributions).
template <typename M>
inline constexpr bool has_explain_v = ::mlguard::detail::is_detected<M, detail::explain_t>::value;
/// True when M has a noexcept explain_top(in, out, k) (top-k contributions per request).
template <typename M>
inline constexpr bool has_explain_top_v =
    ::mlguard::detail::is_detected<M, detail::explain_top_t>::value;

/// Checks every required clause of the model contract (the top of this
/// header) and fails compilation with a message naming the missing member.
/// Returns true so it can sit inside a static_assert.
template <typename M>
constexpr bool check_model() {
  static_assert(::mlguard::detail::is_detected<M, detail::model_kind_t>::value,
                "mlguard model: missing `static constexpr std::string_view kind` (the "
                "bundle's model kind)");
  static_assert(::mlguard::detail::is_detected<M, detail::from_bundle_t>::value,
                "mlguard model: missing `static M from_bundle(const mlguard::serving::"
                "model_bundle&, const mlguard::pipeline::stage_registry&)`");
  static_assert(::mlguard::detail::is_detected<M, detail::model_names_t>::value,
                "mlguard model: missing `feature_names_in() const` or `feature_names_out() "
                "const` (std::vector<std::string>)");
  static_assert(::mlguard::detail::is_detected<M, detail::predict_row_t>::value,
                "mlguard model: missing `mlguard::pipeline::row_status predict_row(const "
                "double* in, double* out) noexcept`");
  static_assert(detail::predict_row_noexcept<M>::value,
                "mlguard model: predict_row must be noexcept and return "
                "mlguard::pipeline::row_status (the per-request path never throws)");
  static_assert(std::is_copy_constructible_v<M>,
                "mlguard model: must be copyable (a guarded model keeps one copy per lane)");
  return true;
}

/// A model of any type that meets the contract, behind one type: what a
/// guarded_model and make_bundle hold. Copying it copies the model (its
/// shared parts stay shared). predict_row costs one virtual call.
template <class = void> // deferred: see core/json.hpp
class basic_any_model {
public:
  /// Wraps `model` (checked by check_model at compile time).
  template <typename M,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<M>, basic_any_model>>>
  explicit basic_any_model(M&& model)
      : self_(std::make_unique<holder<std::decay_t<M>>>(std::forward<M>(model))) {
    static_assert(check_model<std::decay_t<M>>());
    names_in_ = self_->names_in();
    names_out_ = self_->names_out();
  }

  basic_any_model(const basic_any_model& other)
      : self_(other.self_->clone()), names_in_(other.names_in_), names_out_(other.names_out_) {}
  basic_any_model(basic_any_model&&) noexcept = default;
  basic_any_model& operator=(const basic_any_model& other);
  /// A moved-from any_model may only be assigned to or destroyed.
  basic_any_model& operator=(basic_any_model&&) noexcept = default;
  ~basic_any_model() = default;

  /// The model's kind (M::kind).
  std::string_view kind() const noexcept { return self_->kind(); }
  /// The features it reads, in order.
  const std::vector<std::string>& feature_names_in() const noexcept { return names_in_; }
  /// Its outputs; the first is the prediction.
  const std::vector<std::string>& feature_names_out() const noexcept { return names_out_; }
  std::size_t input_width() const noexcept { return names_in_.size(); }
  std::size_t output_width() const noexcept { return names_out_.size(); }

  /// Scores one row (input_width() values) into `out` (output_width()).
  /// Never throws or allocates (unless the model's own predict_row does).
  pipeline::row_status predict_row(const double* in, double* out) noexcept;

  /// Scores `rows` (row-major, n x input_width()) into `out` (n x
  /// output_width()) and `status` (n): the model's predict_batch, or
  /// predict_row per row when it has none. Throws argument_error
  /// (mlguard.argument.size_mismatch) when the sizes disagree, and whatever
  /// the model's predict_batch throws.
  void predict_batch(span<const double> rows, span<double> out, span<pipeline::row_status> status);

  /// True when the model explains its predictions: has_explain_v, and its
  /// explains() (when it has one) says so.
  bool explains() const noexcept { return self_->explains(); }
  /// The names explain_row attributes a prediction to. Empty when !explains().
  std::vector<std::string> explanation_names() const { return self_->explanation_names(); }
  /// Writes one contribution per explanation name, then the base value, into
  /// `contributions`. Throws serving_error (mlguard.serving.not_explainable)
  /// when the model has no explanations, and whatever its explain_row throws.
  void explain_row(const double* in, double* contributions);
  /// The `k` largest contributions to the prediction for `in`, largest
  /// magnitude first, into out[0..k); returns how many were written (0 when
  /// the model has no explain_top or cannot explain the row). No allocation,
  /// no throw (unless the model's own explain_top allocates).
  std::size_t explain_top(const double* in, explain::feature_contribution* out,
                          std::size_t k) noexcept;

  /// The model itself when it is an M, else nullptr.
  template <typename M>
  M* target() noexcept {
    auto* h = dynamic_cast<holder<M>*>(self_.get());
    return h != nullptr ? &h->model : nullptr;
  }
  template <typename M>
  const M* target() const noexcept {
    const auto* h = dynamic_cast<const holder<M>*>(self_.get());
    return h != nullptr ? &h->model : nullptr;
  }

private:
  struct base {
    virtual ~base() = default;
    virtual std::unique_ptr<base> clone() const = 0;
    virtual std::string_view kind() const noexcept = 0;
    virtual std::vector<std::string> names_in() const = 0;
    virtual std::vector<std::string> names_out() const = 0;
    virtual pipeline::row_status predict_row(const double* in, double* out) noexcept = 0;
    virtual void predict_batch(span<const double> rows, span<double> out,
                               span<pipeline::row_status> status) = 0;
    virtual bool explains() const noexcept = 0;
    virtual std::vector<std::string> explanation_names() const = 0;
    virtual void explain_row(const double* in, double* contributions) = 0;
    virtual std::size_t explain_top(const double* in, explain::feature_contribution* out,
                                    std::size_t k) noexcept = 0;
  };

  template <typename M>
  struct holder final : base {
    template <typename A>
    explicit holder(A&& m) : model(std::forward<A>(m)) {}
    std::unique_ptr<base> clone() const override { return std::make_unique<holder>(model); }
    std::string_view kind() const noexcept override { return M::kind; }
    std::vector<std::string> names_in() const override { return model.feature_names_in(); }
    std::vector<std::string> names_out() const override { return model.feature_names_out(); }
    pipeline::row_status predict_row(const double* in, double* out) noexcept override {
      return model.predict_row(in, out);
    }
    void predict_batch(span<const double> rows, span<double> out,
                       span<pipeline::row_status> status) override {
      if constexpr (has_predict_batch_v<M>) {
        model.predict_batch(rows, out, status);
      } else {
        const std::size_t in_width = rows.size() / std::max<std::size_t>(1, status.size());
        const std::size_t out_width = out.size() / std::max<std::size_t>(1, status.size());
        for (std::size_t r = 0; r < status.size(); ++r) {
          status[r] = model.predict_row(rows.data() + r * in_width, out.data() + r * out_width);
        }
      }
    }
    bool explains() const noexcept override {
      if constexpr (::mlguard::detail::is_detected<M, detail::explains_t>::value) {
        return has_explain_v<M> && model.explains();
      } else {
        return has_explain_v<M>;
      }
    }
    std::size_t explain_top(const double* in, explain::feature_contribution* out,
                            std::size_t k) noexcept override {
      if constexpr (has_explain_top_v<M>) {
        return model.explain_top(in, out, k);
      } else {
        (void)in;
        (void)out;
        (void)k;
        return 0;
      }
    }
    std::vector<std::string> explanation_names() const override {
      if constexpr (has_explain_v<M>) {
        return model.explanation_names();
      } else {
        return {};
      }
    }
    void explain_row(const double* in, double* contributions) override {
      if constexpr (has_explain_v<M>) {
        model.explain_row(in, contributions);
      } else {
        (void)in;
        (void)contributions;
        throw serving_error("not_explainable", "a model of kind '" + std::string(M::kind) +
                                                   "' does not explain its predictions");
      }
    }
    M model;
  };

  std::unique_ptr<base> self_;
  std::vector<std::string> names_in_;
  std::vector<std::string> names_out_;
};

/// The type to name (a class template only so that its bodies compile where used).
using any_model = basic_any_model<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE auto basic_any_model<V>::operator=(const basic_any_model& other)
    -> basic_any_model& {
  basic_any_model copy(other);
  return *this = std::move(copy);
}

template <class V>
MLGUARD_INLINE auto basic_any_model<V>::predict_row(const double* in, double* out) noexcept
    -> pipeline::row_status {
  return self_->predict_row(in, out);
}

template <class V>
MLGUARD_INLINE auto basic_any_model<V>::predict_batch(span<const double> rows, span<double> out,
                                                      span<pipeline::row_status> status) -> void {
  const std::size_t n = status.size();
  if (rows.size() != n * input_width() || out.size() != n * output_width()) {
    throw argument_error("size_mismatch", "predict_batch: " + std::to_string(n) + " rows need " +
                                              std::to_string(n * input_width()) + " inputs and " +
                                              std::to_string(n * output_width()) +
                                              " outputs; got " + std::to_string(rows.size()) +
                                              " and " + std::to_string(out.size()));
  }
  self_->predict_batch(rows, out, status);
}

template <class V>
MLGUARD_INLINE auto basic_any_model<V>::explain_row(const double* in, double* contributions)
    -> void {
  self_->explain_row(in, contributions);
}

template <class V>
MLGUARD_INLINE auto basic_any_model<V>::explain_top(const double* in,
                                                    explain::feature_contribution* out,
                                                    std::size_t k) noexcept -> std::size_t {
  return self_->explain_top(in, out, k);
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_MODEL_HPP
