#include "mlguard/validate/batch_validator.hpp"

#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mlguard/io/csv.hpp"
#include "mlguard/report/validation_html.hpp"
#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/skew.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;

namespace batch_validator_test {

// A CSV of `n` rows whose every column exercises another path of validation:
// x numeric (missing, nan, inf, out of range), k integer (fractions, out of
// range), flag boolean (text), c categorical (an unseen category, missing),
// t numbers and text for a numeric feature, extra (not in the schema).
std::string random_csv(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(5.0, 3.0);
  std::uniform_int_distribution<int> die(0, 99);
  std::ostringstream out;
  out.precision(17);
  out << "x,k,flag,c,t,extra\n";
  const char* cats[] = {"red", "green", "blue", "violet"};
  const char* flags[] = {"true", "false", "1", "0", "maybe"};
  for (std::size_t i = 0; i < n; ++i) {
    const int r = die(rng);
    if (r < 5) {
      out << "";
    } else if (r < 7) {
      out << "nan";
    } else if (r < 8) {
      out << "-inf";
    } else {
      out << normal(rng);
    }
    out << "," << (die(rng) < 10 ? 2.5 : static_cast<double>(die(rng) - 10)) << ",";
    out << flags[die(rng) % (r < 97 ? 4 : 5)] << ",";
    out << (r % 13 == 0 ? "" : cats[die(rng) % (r < 90 ? 3 : 4)]) << ",";
    if (r % 17 == 0) {
      out << "n/a";
    } else {
      out << die(rng) * 0.5;
    }
    out << "," << die(rng) << "\n";
  }
  return out.str();
}

schema random_schema() {
  feature_spec x;
  x.name = "x";
  x.min = -1.0;
  x.max = 10.0;
  x.required = false;
  x.max_missing_fraction = 0.01;
  feature_spec k;
  k.name = "k";
  k.kind = feature_kind::integer;
  k.min = 0.0;
  k.max = 80.0;
  feature_spec flag;
  flag.name = "flag";
  flag.kind = feature_kind::boolean;
  feature_spec c;
  c.name = "c";
  c.kind = feature_kind::categorical;
  c.vocabulary = {"red", "green", "blue"};
  c.required = false;
  c.max_missing_fraction = 0.5;
  feature_spec t;
  t.name = "t";
  t.max = 40.0;
  feature_spec gone;
  gone.name = "gone";
  return schema({x, k, flag, c, t, gone});
}

// The reader of `text` with chunks of `chunk_rows` rows; the text columns are
// declared, so every chunk size gives them the same kind.
io::csv_reader reader_of(const std::string& text, std::size_t chunk_rows) {
  io::csv_options o;
  o.chunk_rows = chunk_rows;
  io::csv_reader r(std::make_unique<io::string_source>(text, "random.csv"), o);
  r.set_kind("flag", column_kind::categorical);
  r.set_kind("t", column_kind::categorical);
  r.set_kind("c", column_kind::categorical);
  return r;
}

// `v` after the chunks of `text`, `chunk_rows` rows each.
batch_validator validate_chunks(batch_validator v, const std::string& text,
                                std::size_t chunk_rows) {
  auto reader = reader_of(text, chunk_rows);
  table chunk;
  while (reader.next(chunk)) {
    v.update(chunk);
  }
  return v;
}

} // namespace batch_validator_test

using namespace batch_validator_test;

TEST_CASE("batch_validator: random tables split at random chunk sizes give validate_batch's "
          "report, byte for byte") {
  const schema s = random_schema();
  std::mt19937_64 rng(20240515);
  for (int round = 0; round < 12; ++round) {
    const std::size_t n = 1 + rng() % 3000;
    const std::string text = random_csv(n, rng());
    const std::size_t chunk_rows = 1 + rng() % (round % 3 == 0 ? 7 : 1500);
    CAPTURE(n);
    CAPTURE(chunk_rows);
    validate_options o;
    o.max_sample_rows = 1 + rng() % 6;
    const table whole = reader_of(text, chunk_rows).read_all();
    const auto expected = validate_batch(s, whole, o);

    batch_validator v(s, o);
    auto reader = reader_of(text, chunk_rows);
    table chunk;
    std::size_t chunks = 0;
    while (reader.next(chunk)) {
      v.update(chunk);
      ++chunks;
    }
    CHECK(chunks == (n + chunk_rows - 1) / chunk_rows);
    const auto got = v.report();
    CHECK(got.rows == n);
    CHECK(dump_json(got.to_json()) == dump_json(expected.to_json()));
    CHECK(expected.errors > 0); // the data has anomalies of many kinds
    CHECK(expected.find("t", anomaly_kind::float_type_string_not_float) != nullptr);

    // The page from the kept sample values equals the page from the table.
    report::validation_html_options page;
    page.max_sample_rows = o.max_sample_rows;
    CHECK(report::validation_html(got, v.samples(), page) ==
          report::validation_html(expected, &whole, page));
  }
}

TEST_CASE("batch_validator: with a reference profile, the skew is the whole table's") {
  const schema s = random_schema();
  const std::string training = random_csv(4000, 7);
  const auto reference = profile::dataset_profile::of(reader_of(training, 65536).read_all());
  std::mt19937_64 rng(99);
  for (int round = 0; round < 6; ++round) {
    const std::size_t n = 500 + rng() % 3000;
    const std::string text = random_csv(n, rng());
    const std::size_t chunk_rows = 1 + rng() % 900;
    CAPTURE(chunk_rows);
    const table whole = reader_of(text, chunk_rows).read_all();
    const auto skew = compare_profiles(s, reference, whole);
    validate_options o;
    o.skew = &skew;
    const auto expected = validate_batch(s, whole, o);
    const auto v = validate_chunks(batch_validator(s, {}, &reference), text, chunk_rows);
    const auto got = v.report();
    REQUIRE(got.features.size() == expected.features.size());
    CHECK(got.features[0].skew.has_value());
    CHECK(dump_json(got.to_json()) == dump_json(expected.to_json()));
    CHECK(v.profile().rows() == n);
  }
}

TEST_CASE("batch_validator: NYC taxi February against January, chunked like the CLI") {
  const auto data = test::shared_data_dir();
  if (!data) {
    return;
  }
  const auto jan = io::read_csv(*data + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv");
  const std::string feb = *data + "/nyc-taxi/yellow_tripdata_sample_2019-02.csv";
  const schema s = infer_schema(jan);
  const auto reference = profile::dataset_profile::of(jan);
  const table whole = io::read_csv(feb);
  const auto skew = compare_profiles(s, reference, whole);
  validate_options o;
  o.skew = &skew;
  o.max_sample_rows = 4;
  const auto expected = validate_batch(s, whole, o);
  CHECK(expected.outcome == verdict::error);
  // 10 000 rows: 1-row chunks, a prime size, and sizes around the whole.
  for (const std::size_t rows : {std::size_t{1}, std::size_t{997}, std::size_t{4096},
                                 std::size_t{9999}, std::size_t{65536}}) {
    CAPTURE(rows);
    io::csv_options csv;
    csv.chunk_rows = rows;
    io::csv_reader reader(feb, csv);
    batch_validator v(s, o, &reference);
    table chunk;
    while (reader.next(chunk)) {
      v.update(chunk);
    }
    const auto got = v.report();
    CHECK(dump_json(got.to_json()) == dump_json(expected.to_json()));
    CHECK(report::validation_html(got, v.samples()) == report::validation_html(expected, &whole));
  }
}

TEST_CASE("batch_validator: row numbers run across chunks and samples keep the failing values") {
  feature_spec x;
  x.name = "x";
  x.max = 1.0;
  const schema s({x});
  validate_options o;
  o.max_sample_rows = 3;
  batch_validator v(s, o);
  table a;
  a.add(column::numeric("x", {0.5, 2.0}));
  table b;
  b.add(column::numeric("x", {3.0, 0.0, 4.0, 5.0}));
  v.update(a);
  v.update(b);
  const auto r = v.report();
  const auto* big = r.find("x", anomaly_kind::float_type_big_float);
  REQUIRE(big != nullptr);
  CHECK(big->count == 4);
  CHECK(big->sample_rows == std::vector<std::uint64_t>{1, 2, 4}); // rows 2, 3, 5 of the batch
  REQUIRE(v.samples().find("x", 2) != nullptr);
  CHECK(v.samples().find("x", 2)->number == 3.0);
  CHECK(v.samples().find("x", 5) == nullptr); // past the sample
  CHECK(v.samples().size() == 3);
}

TEST_CASE("batch_validator: the first chunk fixes the columns and another set throws, unchanged") {
  feature_spec x;
  x.name = "x";
  feature_spec y;
  y.name = "y";
  const schema s({x, y});
  batch_validator v(s);
  // No chunk yet: the report of a table without columns.
  CHECK(dump_json(v.report().to_json()) == dump_json(validate_batch(s, table{}).to_json()));
  table first;
  first.add(column::numeric("x", {1.0}));
  first.add(column::numeric("z", {1.0}));
  v.update(first);
  table other;
  other.add(column::numeric("x", {1.0}));
  other.add(column::numeric("y", {1.0}));
  MLGUARD_CHECK_THROWS_ID(v.update(other), "mlguard.validate.chunk_columns");
  table reordered;
  reordered.add(column::numeric("z", {2.0, 3.0}));
  reordered.add(column::numeric("x", {2.0, 3.0}));
  v.update(reordered);
  table all;
  all.add(column::numeric("x", {1.0, 2.0, 3.0}));
  all.add(column::numeric("z", {1.0, 2.0, 3.0}));
  const auto r = v.report();
  CHECK(r.rows == 3);
  CHECK(r.find("y", anomaly_kind::schema_missing_column) != nullptr);
  CHECK(r.find("z", anomaly_kind::schema_new_column) != nullptr);
  CHECK(dump_json(r.to_json()) == dump_json(validate_batch(s, all).to_json()));
}
