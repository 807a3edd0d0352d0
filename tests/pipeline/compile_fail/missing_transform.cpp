// Compile-fail test (tests/CMakeLists.txt, pipeline.compile_fail.*): a stage
// without a batch transform must be refused with the contract's message.
// With MLGUARD_COMPILE_FAIL_CONTROL defined the stage is complete and the
// file must compile, which proves the failure comes from the missing member.
#include <mlguard/pipeline/pipeline.hpp>
#include <mlguard/pipeline/standard_scaler.hpp>

struct my_stage {
  static constexpr std::string_view kind = "my_stage";
  void bind(const std::vector<std::string>& names) { names_ = names; }
  std::size_t input_width() const { return names_.size(); }
  std::size_t output_width() const { return names_.size(); }
  const std::vector<std::string>& feature_names_in() const { return names_; }
  std::vector<std::string> feature_names_out() const { return names_; }
#ifdef MLGUARD_COMPILE_FAIL_CONTROL
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 mlguard::span<mlguard::pipeline::row_status>) {
    out = in;
  }
#endif
  mlguard::pipeline::row_status transform_row(const double*, double*) noexcept {
    return mlguard::pipeline::row_status::ok;
  }
  mlguard::json to_json() const { return mlguard::json::object(); }
  static my_stage from_json(const mlguard::json_reader&, const std::vector<std::string>&) {
    return {};
  }
  std::vector<std::string> names_;
};

int main() {
  mlguard::pipeline::static_pipeline<mlguard::pipeline::standard_scaler, my_stage> p(
      mlguard::pipeline::standard_scaler{}, my_stage{});
  return p.fitted() ? 1 : 0;
}
