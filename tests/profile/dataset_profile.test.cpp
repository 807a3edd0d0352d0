#include "mlguard/profile/dataset_profile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "mlguard/io/csv.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::profile;

namespace {

constexpr double absent_value = std::numeric_limits<double>::quiet_NaN();

bool rel_close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

// Rows [begin, end) of a table (categorical columns keep their vocabulary).
table slice(const table& t, std::size_t begin, std::size_t end) {
  table out;
  for (const auto& c : t) {
    if (c.is_numeric()) {
      const auto first = c.values().begin();
      out.add(
          column::numeric(c.name(), std::vector<double>(first + static_cast<std::ptrdiff_t>(begin),
                                                        first + static_cast<std::ptrdiff_t>(end))));
    } else {
      const auto first = c.codes().begin();
      out.add(
          column::categorical(c.name(),
                              std::vector<std::int32_t>(first + static_cast<std::ptrdiff_t>(begin),
                                                        first + static_cast<std::ptrdiff_t>(end)),
                              c.vocab()));
    }
  }
  return out;
}

table mixed_table(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(50.0, 10.0);
  std::exponential_distribution<double> expo(0.1);
  std::uniform_int_distribution<int> small(0, 5);
  std::uniform_int_distribution<int> wide(0, 4999);
  std::vector<double> a(rows);
  std::vector<double> b(rows);
  std::vector<std::int32_t> colour(rows);
  std::vector<std::int32_t> user(rows);
  vocabulary colours({"red", "green", "blue", "cyan", "magenta", "yellow"});
  vocabulary users;
  for (int i = 0; i < 5000; ++i) {
    users.add("user" + std::to_string(i));
  }
  for (std::size_t i = 0; i < rows; ++i) {
    a[i] = normal(gen);
    b[i] = i % 17 == 0 ? absent_value : std::floor(expo(gen));
    colour[i] = i % 23 == 0 ? missing_code : small(gen);
    // Skewed: a few heavy hitters and a long tail.
    user[i] = gen() % 4 == 0 ? small(gen) : wide(gen);
  }
  table t;
  t.add(column::numeric("a", std::move(a)));
  t.add(column::numeric("b", std::move(b)));
  t.add(column::categorical("colour", std::move(colour), colours));
  t.add(column::categorical("user", std::move(user), users));
  return t;
}

// Exact category counts of a categorical column, by string.
std::map<std::string, std::uint64_t> exact_counts(const column& c) {
  std::map<std::string, std::uint64_t> out;
  for (const auto code : c.codes()) {
    if (code >= 0) {
      ++out[c.vocab().name_of(code)];
    }
  }
  return out;
}

// The largest distance between requested ranks and the exact rank interval
// of the profile's quantile answers, over 99 ranks.
double column_rank_error(const feature_profile& p, const std::vector<double>& values) {
  std::vector<double> finite;
  for (const double x : values) {
    if (std::isfinite(x)) {
      finite.push_back(x);
    }
  }
  std::sort(finite.begin(), finite.end());
  const double n = static_cast<double>(finite.size());
  double worst = 0;
  for (int i = 1; i < 100; ++i) {
    const double r = i / 100.0;
    const double q = *p.quantile(r);
    const double lo =
        static_cast<double>(std::lower_bound(finite.begin(), finite.end(), q) - finite.begin()) / n;
    const double hi =
        static_cast<double>(std::upper_bound(finite.begin(), finite.end(), q) - finite.begin()) / n;
    worst = std::max(worst, r < lo ? lo - r : (r > hi ? r - hi : 0.0));
  }
  return worst;
}

// Checks that `merged` (from parts) matches `whole` (one pass over `data`) as
// the merge contract promises.
void check_merge_equivalence(const dataset_profile& merged, const dataset_profile& whole,
                             const table& data) {
  REQUIRE(merged.rows() == whole.rows());
  REQUIRE(merged.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const std::string& name = whole.columns()[i];
    const feature_profile& w = whole.features()[i];
    CAPTURE(name);
    const auto& m = merged.at(name);
    REQUIRE(m.kind() == w.kind());
    CHECK(m.count() == w.count());
    CHECK(m.missing_count() == w.missing_count());
    CHECK(m.non_finite_count() == w.non_finite_count());
    CHECK(m.finite_count() == w.finite_count());
    CHECK(m.non_integer_count() == w.non_integer_count());
    CHECK(m.distinct() == w.distinct());
    if (w.kind() == column_kind::numeric) {
      REQUIRE(m.min().has_value() == w.min().has_value());
      if (w.min()) {
        CHECK(*m.min() == *w.min());
        CHECK(*m.max() == *w.max());
        CHECK(rel_close(*m.mean(), *w.mean(), 1e-12));
        CHECK(rel_close(*m.variance(), *w.variance(), 1e-12));
        CHECK(column_rank_error(m, data.at(name).values()) <=
              m.quantiles().normalized_rank_error());
      }
    } else {
      const auto truth = exact_counts(data.at(name));
      const auto& f = m.frequencies();
      CHECK(f.total_weight() == w.frequencies().total_weight());
      CHECK(f.max_error() <= 2 * f.total_weight() / f.capacity());
      std::size_t outside_bounds = 0;
      for (const auto& [item, count] : truth) {
        outside_bounds += f.estimate(item) > count || count > f.upper_bound(item);
      }
      CHECK(outside_bounds == 0);
      if (f.is_exact() && w.frequencies().is_exact()) {
        CHECK(f == w.frequencies());
      }
    }
  }
}

// The small table behind tests/fixtures/profile/golden_profile.json. Values
// are chosen so that every sum and mean is exact in binary (no rounding, so
// no platform or FMA dependence in the golden bytes).
mlguard::table golden_table() {
  std::vector<double> x;
  for (int i = 1; i <= 40; ++i) {
    x.push_back(i);
  }
  x.push_back(std::numeric_limits<double>::quiet_NaN());
  x.push_back(std::numeric_limits<double>::infinity());
  x.push_back(0.5);
  x.push_back(40.5);
  std::vector<std::int32_t> colour;
  std::vector<std::int32_t> city;
  for (int i = 0; i < 44; ++i) {
    colour.push_back(i % 7 == 0 ? mlguard::missing_code : i % 3);
    city.push_back(i % 6 == 0 ? 0 : i % 5 + 1);
  }
  mlguard::table t;
  t.add(mlguard::column::numeric("x", x));
  t.add(mlguard::column::categorical("colour", colour,
                                     mlguard::vocabulary({"red", "green", "blue"})));
  t.add(mlguard::column::categorical(
      "city", city, mlguard::vocabulary({"Oslo", "Lima", "Pune", "Kobe", "Graz", "Nice"})));
  return t;
}

mlguard::profile::profile_options golden_options() {
  mlguard::profile::profile_options options;
  options.kll_k = 8;
  options.seed = 1;
  options.frequent_items_capacity = 4;
  options.distinct_precision = 4;
  return options;
}

} // namespace

TEST_CASE("dataset_profile: one feature per column, keyed by name, with kinds") {
  const auto t = mixed_table(1000, 1);
  const auto p = dataset_profile::of(t);
  CHECK(p.rows() == 1000);
  CHECK(p.size() == 4);
  CHECK(p.columns() == std::vector<std::string>{"a", "b", "colour", "user"});
  CHECK(p.at("a").kind() == column_kind::numeric);
  CHECK(p.at("colour").kind() == column_kind::categorical);
  CHECK(p.at("b").missing_count() == t.at("b").missing_count());
  CHECK(p.find("nope") == nullptr);
  MLGUARD_CHECK_THROWS_ID(p.at("nope"), "mlguard.profile.unknown_feature");
}

TEST_CASE("dataset_profile: columns absent from a batch count as missing") {
  table first;
  first.add(column::numeric("x", {1, 2, 3}));
  table second;
  second.add(column::numeric("y", {4, 5}));
  dataset_profile p;
  p.update(first);
  p.update(second);
  CHECK(p.rows() == 5);
  CHECK(p.at("x").count() == 5);
  CHECK(p.at("x").missing_count() == 2);
  CHECK(p.at("y").count() == 5);
  CHECK(p.at("y").missing_count() == 3);

  auto a = dataset_profile::of(first);
  a.merge(dataset_profile::of(second));
  CHECK(a == p);
}

TEST_CASE("dataset_profile: random splits into 2..16 parts merged in random order") {
  const auto data = mixed_table(60000, 2);
  const profile_options options{200, 77, 256, 12};
  const auto whole = dataset_profile::of(data, options);
  std::mt19937_64 gen(3);
  for (int trial = 0; trial < 5; ++trial) {
    const std::size_t parts = 2 + static_cast<std::size_t>(gen() % 15);
    std::vector<std::size_t> cuts{0, data.rows()};
    for (std::size_t i = 1; i < parts; ++i) {
      cuts.push_back(static_cast<std::size_t>(gen() % data.rows()));
    }
    std::sort(cuts.begin(), cuts.end());
    std::vector<dataset_profile> profiles;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
      profiles.push_back(dataset_profile::of(slice(data, cuts[i], cuts[i + 1]), options));
    }
    std::shuffle(profiles.begin(), profiles.end(), gen);
    while (profiles.size() > 1) {
      const std::size_t a = static_cast<std::size_t>(gen() % profiles.size());
      std::size_t b = static_cast<std::size_t>(gen() % (profiles.size() - 1));
      b += b >= a ? 1 : 0;
      profiles[a].merge(profiles[b]);
      profiles.erase(profiles.begin() + static_cast<std::ptrdiff_t>(b));
    }
    CAPTURE(parts);
    check_merge_equivalence(profiles.front(), whole, data);
  }
}

// `t` as CSV text (doubles with 17 digits, so they read back exactly).
std::string csv_text(const table& t) {
  std::string out;
  for (std::size_t j = 0; j < t.cols(); ++j) {
    out += (j == 0 ? "" : ",") + t[j].name();
  }
  out += "\n";
  char buffer[32];
  for (std::size_t i = 0; i < t.rows(); ++i) {
    for (std::size_t j = 0; j < t.cols(); ++j) {
      out += j == 0 ? "" : ",";
      const auto& c = t[j];
      if (c.is_numeric()) {
        if (!std::isnan(c.values()[i])) {
          std::snprintf(buffer, sizeof buffer, "%.17g", c.values()[i]);
          out += buffer;
        }
      } else if (c.codes()[i] >= 0) {
        out += c.vocab().name_of(c.codes()[i]);
      }
    }
    out += "\n";
  }
  return out;
}

// The profile of CSV `text` updated chunk by chunk, as `mlguard profile` reads it.
dataset_profile profile_in_chunks(const std::string& text, std::size_t chunk_rows,
                                  const profile_options& options) {
  io::csv_options csv;
  csv.chunk_rows = chunk_rows;
  io::csv_reader reader(std::make_unique<io::string_source>(text, "data.csv"), csv);
  dataset_profile p(options);
  table chunk;
  while (reader.next(chunk)) {
    p.update(chunk);
  }
  return p;
}

TEST_CASE("dataset_profile: updated chunk by chunk (each chunk its own vocabulary) equals the "
          "profile of the whole table") {
  const auto data = mixed_table(20000, 4);
  const std::string text = csv_text(data);
  // "user" has 5000 categories: past the capacity of 256, frequencies are a summary.
  const profile_options options{200, 77, 256, 12};
  const auto whole = dataset_profile::of(io::parse_csv(text), options);
  REQUIRE_FALSE(whole.at("user").frequencies().is_exact());
  SUBCASE("chunks of a multiple of 1024 rows: identical, to the byte") {
    // The numeric path sums blocks of 1024 values, so such chunks cut no
    // block and every moment is summed as in one pass.
    for (const std::size_t rows : {std::size_t{1024}, std::size_t{4096}, std::size_t{65536}}) {
      CAPTURE(rows);
      const auto chunked = profile_in_chunks(text, rows, options);
      CHECK(chunked.at("a") == whole.at("a"));
      CHECK(chunked.at("b") == whole.at("b"));
      CHECK(chunked.at("colour") == whole.at("colour"));
      if (rows >= data.rows()) {
        CHECK(chunked == whole);
        CHECK(chunked.dump() == whole.dump());
      }
    }
    // With exact frequencies (capacity above the 5000 users) every feature is identical.
    const profile_options exact{200, 77, 8192, 12};
    const auto exact_whole = dataset_profile::of(io::parse_csv(text), exact);
    const auto exact_chunked = profile_in_chunks(text, 2048, exact);
    CHECK(exact_chunked == exact_whole);
    CHECK(exact_chunked.dump() == exact_whole.dump());
  }
  SUBCASE("any chunk size: exact counts, min, max, quantile sketch; moments to 1e-12") {
    std::mt19937_64 gen(5);
    for (int trial = 0; trial < 6; ++trial) {
      const std::size_t rows = 1 + static_cast<std::size_t>(gen() % 3000);
      CAPTURE(rows);
      const auto chunked = profile_in_chunks(text, rows, options);
      check_merge_equivalence(chunked, whole, data);
      // The sketches see the same values in the same order: the same sketch.
      CHECK(chunked.at("a").quantiles() == whole.at("a").quantiles());
      CHECK(chunked.at("b").quantiles() == whole.at("b").quantiles());
      CHECK(chunked.at("colour").frequencies() == whole.at("colour").frequencies());
    }
  }
}

TEST_CASE("dataset_profile: a kind conflict is a clear error and changes nothing") {
  table numeric;
  numeric.add(column::numeric("fare", {1.5, 2.5}));
  numeric.add(column::numeric("other", {1, 2}));
  table text;
  text.add(column::categorical("fare", {0, 1}, vocabulary({"1.5", "free"})));
  auto p = dataset_profile::of(numeric);
  const auto before = p;
  try {
    p.merge(dataset_profile::of(text));
    FAIL("expected a throw");
  } catch (const profile_error& e) {
    CHECK(e.id() == "mlguard.profile.kind_mismatch");
    CHECK(std::string(e.what()).find("'fare'") != std::string::npos);
  }
  CHECK(p == before);
  MLGUARD_CHECK_THROWS_ID(p.update(text), "mlguard.profile.kind_mismatch");
  CHECK(p == before);

  // An all-missing column (read as numeric) does not conflict.
  table empty_text;
  empty_text.add(column::numeric("fare", {absent_value}));
  auto q = dataset_profile::of(text);
  q.update(empty_text);
  CHECK(q.at("fare").kind() == column_kind::categorical);
  CHECK(q.at("fare").missing_count() == 1);
}

TEST_CASE("dataset_profile: same input and seed give the same bytes, JSON round trip") {
  const auto data = mixed_table(20000, 4);
  const auto a = dataset_profile::of(data);
  const auto b = dataset_profile::of(data);
  CHECK(a.dump() == b.dump());
  profile_options other_seed;
  other_seed.seed = 12345;
  CHECK(dataset_profile::of(data, other_seed).dump() != a.dump());

  const auto text = a.dump(2);
  const auto back = dataset_profile::parse(text, "p.json");
  CHECK(back == a);
  CHECK(back.dump(2) == text);
  CHECK(back.columns() == a.columns());
  // A read-back profile keeps merging like the original.
  auto merged_back = back;
  auto merged = a;
  merged_back.merge(b);
  merged.merge(b);
  CHECK(merged_back.dump() == merged.dump());

  json j = a;
  CHECK(j.get<dataset_profile>() == a);
}

TEST_CASE("dataset_profile: bad documents give format errors with stable ids") {
  const auto good = dataset_profile::of(mixed_table(3000, 5)).to_json();
  const auto text = good.dump();
  SUBCASE("truncated or garbage") {
    for (const std::size_t cut :
         {std::size_t{0}, std::size_t{10}, text.size() / 3, text.size() - 2}) {
      MLGUARD_CHECK_THROWS_ID(dataset_profile::parse(text.substr(0, cut), "p.json"),
                              "mlguard.format.corrupt");
    }
    MLGUARD_CHECK_THROWS_ID(dataset_profile::parse("\x89PNG\r\n\x1a\n", "p.json"),
                            "mlguard.format.corrupt");
    MLGUARD_CHECK_THROWS_ID(dataset_profile::parse("[1, 2, 3]", "p.json"),
                            "mlguard.format.corrupt");
  }
  SUBCASE("envelope") {
    auto j = good;
    j["format_version"] = 2;
    MLGUARD_CHECK_THROWS_ID(dataset_profile::from_json(j), "mlguard.format.newer_version");
    j["format_version"] = 0;
    MLGUARD_CHECK_THROWS_ID(dataset_profile::from_json(j), "mlguard.format.corrupt");
    j = good;
    j["format"] = "schema";
    MLGUARD_CHECK_THROWS_ID(dataset_profile::from_json(j), "mlguard.format.wrong_kind");
    j = good;
    j["comment"] = "hand edited";
    MLGUARD_CHECK_THROWS_ID(dataset_profile::from_json(j), "mlguard.format.unknown_field");
    j = good;
    j["options"]["k"] = 200;
    MLGUARD_CHECK_THROWS_ID(dataset_profile::from_json(j), "mlguard.format.unknown_field");
    j = good;
    j["features"]["a"]["median"] = 3;
    MLGUARD_CHECK_THROWS_ID(dataset_profile::from_json(j), "mlguard.format.unknown_field");
  }
  SUBCASE("inconsistent") {
    std::vector<json> bad;
    auto j = good;
    j["rows"] = 2999;
    bad.push_back(j);
    j = good;
    j["rows"] = -1;
    bad.push_back(j);
    j = good;
    j["columns"].push_back("ghost");
    bad.push_back(j);
    j = good;
    j["columns"][1] = j["columns"][0];
    bad.push_back(j);
    j = good;
    j["features"].erase("user");
    bad.push_back(j);
    j = good;
    j["options"]["seed"] = 7;
    bad.push_back(j);
    j = good;
    j["options"]["kll_k"] = 1;
    bad.push_back(j);
    j = good;
    j["features"]["a"]["quantiles"]["levels"] = json::array({json::array({1.0})});
    bad.push_back(j);
    j = good;
    j["features"]["colour"]["frequencies"]["items"][0][1] = 0;
    bad.push_back(j);
    j = good;
    j["features"]["colour"]["distinct"]["registers"] = "zz";
    bad.push_back(j);
    j = good;
    j["features"] = json::array();
    bad.push_back(j);
    for (const auto& doc : bad) {
      CAPTURE(doc.dump().substr(0, 300));
      MLGUARD_CHECK_THROWS_ID(dataset_profile::from_json(doc), "mlguard.format.corrupt");
    }
  }
}

TEST_CASE("dataset_profile: NYC taxi 2019, twelve monthly profiles merge into the year's") {
  const auto dir = test::shared_data_dir();
  if (!dir) {
    return;
  }
  std::vector<table> months;
  std::string year_text;
  for (int m = 1; m <= 12; ++m) {
    char name[64];
    std::snprintf(name, sizeof name, "/nyc-taxi/yellow_tripdata_sample_2019-%02d.csv", m);
    const std::string path = *dir + name;
    months.push_back(io::read_csv(path));
    // The concatenated year: every file's records under the first header.
    const auto text = test::read_file(path);
    year_text += m == 1 ? text : text.substr(text.find('\n') + 1);
    if (!year_text.empty() && year_text.back() != '\n') {
      year_text += '\n';
    }
  }
  const auto year = io::parse_csv(year_text, "nyc-2019");
  REQUIRE(year.rows() == 120000);

  // The kinds agree month to month in this data (a month with text in a
  // numeric column would make merge throw mlguard.profile.kind_mismatch).
  for (const auto& month : months) {
    for (const auto& c : month) {
      CHECK(c.kind() == year.at(c.name()).kind());
    }
  }

  const auto whole = dataset_profile::of(year);
  dataset_profile merged;
  for (const auto& month : months) {
    merged.merge(dataset_profile::of(month));
  }
  check_merge_equivalence(merged, whole, year);
  CHECK(merged.columns() == year.names());

  // Reverse order gives the same exact parts.
  dataset_profile reversed;
  for (auto it = months.rbegin(); it != months.rend(); ++it) {
    reversed.merge(dataset_profile::of(*it));
  }
  check_merge_equivalence(reversed, whole, year);

  // January's congestion_surcharge is mostly empty; the year's is not.
  const auto january = dataset_profile::of(months.front());
  CHECK(january.at("congestion_surcharge").missing_count() == 6327);
  CHECK(merged.at("congestion_surcharge").missing_count() == 6327);
  MESSAGE("NYC 2019: fare_amount median " << *merged.at("fare_amount").quantile(0.5)
                                          << ", pickup_datetime distinct ~"
                                          << merged.at("pickup_datetime").distinct_estimate());

  // The merged year round-trips through JSON.
  const auto text = merged.dump();
  CHECK(dataset_profile::parse(text).dump() == text);
}

TEST_CASE("dataset_profile: golden file (format_version 1 stays readable and byte-stable)") {
  const auto path = test::fixture_path("profile/golden_profile.json");
  const auto fresh = dataset_profile::of(golden_table(), golden_options()).dump(2) + "\n";
  if (std::getenv("MLGUARD_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << fresh; // regenerate after a deliberate change
  }
  const auto golden = test::read_file(path);
  CHECK(fresh == golden);
  const auto read = dataset_profile::parse(golden, path);
  CHECK(read.dump(2) + "\n" == golden);
  CHECK(read.at("x").finite_count() == 42);
  CHECK(*read.at("x").mean() == 20.5);
  CHECK(read.at("city").frequencies().max_error() > 0);
  CHECK(read.at("colour").frequencies().is_exact());
  CHECK(parse_json(golden, path)["format"].get<std::string>() == "mlguard.profile");
}

TEST_CASE("dataset_profile: a profile mlguard 0.1 wrote (\"profile\", \"kll_sketch\", ...) still "
          "loads") {
  // tests/fixtures/profile/profile_mlguard_0.1.json is golden_profile.json as
  // mlguard 0.1 wrote it, before every document name began with "mlguard.".
  const auto path = test::fixture_path("profile/profile_mlguard_0.1.json");
  const auto old = parse_json(test::read_file(path), path);
  REQUIRE(old["format"].get<std::string>() == "profile");
  REQUIRE(old["features"]["x"]["quantiles"]["format"].get<std::string>() == "kll_sketch");
  const auto read = dataset_profile::load(path);
  CHECK(read == dataset_profile::of(golden_table(), golden_options()));
  // Saved again, it carries the new names.
  const auto again = read.to_json();
  CHECK(again["format"].get<std::string>() == "mlguard.profile");
  CHECK(again["features"]["x"]["quantiles"]["format"].get<std::string>() == "mlguard.kll_sketch");
  CHECK(again["features"]["city"]["frequencies"]["format"].get<std::string>() ==
        "mlguard.frequent_items");
  CHECK(again["features"]["city"]["distinct"]["format"].get<std::string>() ==
        "mlguard.distinct_count");
}

TEST_CASE("dataset_profile: every field replaced by every wrong type is an error, never a crash") {
  const auto good = dataset_profile::of(golden_table(), golden_options()).to_json();
  const auto leaves = good.flatten();
  const std::vector<json> replacements{nullptr, -1,  0,     std::uint64_t{1} << 63, 1e308,
                                       0.5,     "x", "inf", json::array(),          json::object(),
                                       true};
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t crashed = 0;
  for (auto it = leaves.begin(); it != leaves.end(); ++it) {
    const json::json_pointer pointer(it.key());
    for (const auto& replacement : replacements) {
      auto doc = good;
      doc[pointer] = replacement;
      try {
        const auto p = dataset_profile::from_json(doc);
        (void)p.dump(); // whatever is accepted must be usable
        ++accepted;
      } catch (const mlguard::error&) {
        ++rejected;
      } catch (const std::exception& e) {
        ++crashed;
        MESSAGE(it.key() << " = " << replacement.dump() << ": " << e.what());
      }
    }
  }
  CHECK(crashed == 0);
  CHECK(rejected > accepted);
}

TEST_CASE("dataset_profile: save and load a mlguard.profile document") {
  const auto p = dataset_profile::of(golden_table(), golden_options());
  const test::temp_dir dir;
  const auto path = dir.path + "/profile.json";
  p.save(path);
  const auto text = test::read_file(path);
  CHECK(parse_json(text, path)["format"].get<std::string>() == "mlguard.profile");
  CHECK(parse_json(text, path)["format_version"] == 1);
  CHECK(dataset_profile::load(path) == p);
  std::remove(path.c_str());
  MLGUARD_CHECK_THROWS_ID(dataset_profile::load(path), "mlguard.io.open_failed");
}

TEST_CASE("dataset_profile: load errors name the file and the field path") {
  auto j = dataset_profile::of(golden_table(), golden_options()).to_json();
  j["features"]["x"]["quantiles"]["levels"][0][2] = "many";
  try {
    (void)dataset_profile::from_json(j, "p.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.corrupt");
    CHECK(
        std::string(e.message()).rfind("p.json: features.x.quantiles.levels[0][2]: expected ", 0) ==
        0);
  }
  j = dataset_profile::of(golden_table(), golden_options()).to_json();
  j["features"]["city"]["frequencies"]["items"][1] = json::array({"Lima"});
  try {
    (void)dataset_profile::from_json(j, "p.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(std::string(e.message()).rfind("p.json: features.city.frequencies.items[1]: ", 0) == 0);
  }
  j = dataset_profile::of(golden_table(), golden_options()).to_json();
  j["options"]["kll_k"] = 3;
  try {
    (void)dataset_profile::from_json(j, "p.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(std::string(e.message()).rfind("p.json: options.kll_k: ", 0) == 0);
  }
  j = dataset_profile::of(golden_table(), golden_options()).to_json();
  j["features"]["colour"]["distinct"]["format"] = "kll_sketch";
  try {
    (void)dataset_profile::from_json(j, "p.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.wrong_kind");
    CHECK(std::string(e.message()).rfind("p.json: features.colour.distinct: ", 0) == 0);
  }
}

TEST_CASE("dataset_profile: a column of values near ±DBL_MAX round-trips") {
  table t;
  t.add(column::numeric("huge", {1.7e308, -1.7e308, 1.5e308, 1e308}));
  const auto p = dataset_profile::of(t);
  CHECK(std::isfinite(*p.at("huge").mean()));
  CHECK(dataset_profile::parse(p.dump(), "p.json") == p);
}

TEST_CASE("dataset_profile: values at ±1e308 save, load and merge with exact moments (issue 16)") {
  // Before the scaled moments: m2 overflowed to "inf", so the variance of
  // `spike` (true value ≈ 9.98e306, finite) read +inf, and so did every
  // merge with it. Exact values: tests/reference/gen_extremes.py.
  const double dbl_max = std::numeric_limits<double>::max();
  std::vector<double> huge{1e308, -1e308, 1.5e308, -1.7e308, dbl_max, -dbl_max, 0.5, 1e-308};
  std::vector<double> spike(1001, 0.0);
  spike[0] = 1e155;
  huge.resize(spike.size(), 0.25); // the columns of a table have one length
  table t;
  t.add(column::numeric("huge", huge));
  t.add(column::numeric("spike", spike));
  const auto p = dataset_profile::of(t);
  CHECK(*p.at("spike").variance() == doctest::Approx(9.98002996004994e+306).epsilon(1e-13));
  CHECK(*p.at("spike").mean() == doctest::Approx(9.99000999000999e+151).epsilon(1e-14));
  CHECK(std::isinf(*p.at("huge").variance())); // the true variance is ≈ 1.3e613
  CHECK(std::isfinite(*p.at("huge").mean()));
  const json j = p.to_json();
  for (const char* name : {"huge", "spike"}) {
    INFO(name);
    CHECK(j["features"][name]["mean"].is_number());
    CHECK(j["features"][name]["m2"].is_number()); // never "inf" or null
  }

  const test::temp_dir dir;
  p.save(dir.path + "/p.json");
  const auto loaded = dataset_profile::load(dir.path + "/p.json");
  CHECK(loaded == p);
  CHECK(*loaded.at("spike").variance() == *p.at("spike").variance());

  // Two halves, saved, loaded and merged (what `mlguard profile merge`
  // does) equal the whole up to rounding, and save and load again.
  table first;
  table second;
  const auto half = static_cast<std::ptrdiff_t>(500);
  first.add(column::numeric("huge", std::vector<double>(huge.begin(), huge.begin() + half)));
  first.add(column::numeric("spike", std::vector<double>(spike.begin(), spike.begin() + half)));
  second.add(column::numeric("huge", std::vector<double>(huge.begin() + half, huge.end())));
  second.add(column::numeric("spike", std::vector<double>(spike.begin() + half, spike.end())));
  dataset_profile::of(first).save(dir.path + "/a.json");
  dataset_profile::of(second).save(dir.path + "/b.json");
  auto merged = dataset_profile::load(dir.path + "/a.json");
  merged.merge(dataset_profile::load(dir.path + "/b.json"));
  for (const char* name : {"huge", "spike"}) {
    INFO(name);
    const auto& m = merged.at(name);
    const auto& whole = p.at(name);
    CHECK(*m.mean() == doctest::Approx(*whole.mean()).epsilon(1e-14));
    if (std::isinf(*whole.variance())) {
      CHECK(std::isinf(*m.variance()));
    } else {
      CHECK(*m.variance() == doctest::Approx(*whole.variance()).epsilon(1e-13));
    }
  }
  merged.save(dir.path + "/m.json");
  CHECK(dataset_profile::load(dir.path + "/m.json") == merged);
}

TEST_CASE("dataset_profile: merging a profile into itself equals merging a copy") {
  const auto t = mixed_table(3000, 9);
  auto self = dataset_profile::of(t);
  auto twice = self;
  twice.merge(dataset_profile(self)); // a copy: the ordinary path
  self.merge(self);
  CHECK(self.rows() == 6000);
  CHECK(self == twice);
  CHECK(self.dump() == twice.dump());
}

TEST_CASE("dataset_profile: features() follow columns(), find is by name") {
  table t;
  t.add(column::numeric("zeta", {1.0, 2.0}));
  t.add(column::numeric("alpha", {3.0, 4.0}));
  t.add(column::categorical("mid", {0, 1}, vocabulary({"a", "b"})));
  const auto p = dataset_profile::of(t);
  REQUIRE(p.columns() == std::vector<std::string>{"zeta", "alpha", "mid"});
  CHECK(*p.features()[0].max() == 2.0);
  CHECK(*p.features()[1].max() == 4.0);
  CHECK(p.features()[2].kind() == column_kind::categorical);
  CHECK(p.find("alpha") == &p.features()[1]);
  CHECK(p.find("mid") == &p.features()[2]);
  CHECK(p.find("beta") == nullptr);
  CHECK(p.find("") == nullptr);
}

TEST_CASE("dataset_profile: a category that is not UTF-8 makes dump and save an mlguard error") {
  // A table built in code can hold any bytes ("caf\xe9" is Latin-1); read_csv
  // checks them. This was nlohmann's type_error.316 from dump(), then a
  // silently replaced U+FFFD that did not read back.
  table t;
  t.add(column::categorical("city", {0, 1, 0}, vocabulary({"caf\xe9", "paris"})));
  const auto p = dataset_profile::of(t);
  MLGUARD_CHECK_THROWS_ID(p.dump(), "mlguard.format.invalid_utf8");
  test::temp_dir dir;
  MLGUARD_CHECK_THROWS_ID(p.save(dir.file("p.json")), "mlguard.format.invalid_utf8");
  try {
    (void)p.dump();
  } catch (const error& e) {
    CHECK(std::string(e.message()).find("/features/city/") != std::string::npos);
  }
}

// Found with tests/fuzz/fuzz_profile.cpp and fuzz_sketch.cpp: a profile document may
// count up to 2^64 - 1 rows; merged into itself, its counts wrapped (silently), and
// its quantile sketch's count wrapped so the merged profile did not load back.
TEST_CASE("dataset_profile: a merge past 2^64 - 1 rows throws and changes nothing") {
  table t;
  t.add(column::numeric("x", {1.0}));
  json doc = dataset_profile::of(t).to_json();
  const std::uint64_t half = std::uint64_t{1} << 63;
  doc["rows"] = half;
  json& x = doc["features"]["x"];
  x["count"] = half;
  json levels = json::array();
  for (int h = 0; h < 64; ++h) {
    levels.push_back(h == 63 ? json::array({1.0}) : json::array());
  }
  x["quantiles"]["levels"] = levels;
  x["quantiles"]["n"] = half;
  auto p = dataset_profile::from_json(doc, "p.json");
  const std::string before = p.dump();
  MLGUARD_CHECK_THROWS_ID(p.merge(p), "mlguard.profile.count_overflow");
  CHECK(p.dump() == before);
  MLGUARD_CHECK_THROWS_ID(p.merge(dataset_profile::from_json(doc, "q.json")),
                          "mlguard.profile.count_overflow");
  CHECK(p.dump() == before);
  auto feature = p.at("x");
  MLGUARD_CHECK_THROWS_ID(feature.merge(p.at("x")), "mlguard.profile.count_overflow");
  CHECK(feature == p.at("x"));
}
