// CSV ingest (io/csv_reader.hpp): a generated file of 1e6 doubles written
// with %.17g, one column (about 20 MB), read whole (read_csv) and in chunks
// of 65 536 rows, plain and (with zlib) gzip-compressed; a mixed 8-column
// file; the number parser alone, std::from_chars against fast_float (when
// Debian's libfast-float-dev is installed); and the two ways of getting the
// bytes, read(2) into a 1 MiB block against mmap. Target (issue 15): ingest
// >= 300 MB/s on one core. Run with --benchmark_repetitions=5 and read the
// medians; bytes_per_second is the file's size over the time.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <mlguard/io/csv.hpp>
#include <mlguard/io/csv_reader.hpp>
#if defined(MLGUARD_BENCH_GZIP)
#include <mlguard/io/gzip_source.hpp>
#endif
#if __has_include(<fast_float/fast_float.h>)
#include <fast_float/fast_float.h>
#define MLGUARD_BENCH_FAST_FLOAT 1
#endif

namespace {

// Bytes for SetBytesProcessed: `size` per iteration.
std::int64_t processed(const benchmark::State& state, std::size_t size) {
  return state.iterations() * static_cast<std::int64_t>(size);
}

// The text of a CSV file: a header, then `rows` lines of normal doubles
// printed with %.17g (seeded, so every run reads the same bytes).
std::string doubles_csv(std::size_t rows) {
  std::mt19937_64 gen(20260101);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::string text = "x\n";
  char line[64];
  for (std::size_t i = 0; i < rows; ++i) {
    const int n = std::snprintf(line, sizeof line, "%.17g\n", normal(gen));
    text.append(line, static_cast<std::size_t>(n));
  }
  return text;
}

// 8 columns: 5 numeric (doubles, integers, with missing cells), 3 categorical.
std::string mixed_csv(std::size_t rows) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal(100.0, 15.0);
  std::uniform_int_distribution<int> small(0, 9);
  std::string text = "fare,tip,distance,passengers,zone,payment,vendor,flag\n";
  char line[256];
  const char* payments[] = {"card", "cash", "no charge", "dispute"};
  for (std::size_t i = 0; i < rows; ++i) {
    const int n = std::snprintf(
        line, sizeof line, "%.2f,%.2f,%s,%d,zone_%d,%s,\"Vendor %d, Inc.\",%c\n", normal(gen),
        normal(gen) / 10, i % 20 == 0 ? "" : std::to_string(normal(gen) / 30).c_str(), small(gen),
        small(gen) * 26 + small(gen), payments[small(gen) % 4], small(gen) % 3,
        small(gen) ? 'N' : 'Y');
    text.append(line, static_cast<std::size_t>(n));
  }
  return text;
}

// A file that lives as long as the process (written once per benchmark).
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& content, const char* suffix) {
    path = "/tmp/mlguard-io-bench-" + std::to_string(::getpid()) + suffix;
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() { std::remove(path.c_str()); }
  std::size_t size() const {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return static_cast<std::size_t>(st.st_size);
  }
};

const temp_file& doubles_file() {
  static const temp_file f(doubles_csv(1000000), ".csv");
  return f;
}

void BM_read_csv_doubles(benchmark::State& state) {
  const auto& file = doubles_file();
  for (auto _ : state) {
    auto t = mlguard::io::read_csv(file.path);
    benchmark::DoNotOptimize(t.at("x").values().data());
  }
  state.SetBytesProcessed(processed(state, file.size()));
}
BENCHMARK(BM_read_csv_doubles)->Unit(benchmark::kMillisecond);

void BM_csv_reader_chunks_doubles(benchmark::State& state) {
  const auto& file = doubles_file();
  for (auto _ : state) {
    mlguard::io::csv_reader reader(file.path);
    mlguard::table chunk;
    double sum = 0;
    while (reader.next(chunk)) {
      sum += chunk[0].values().front();
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(processed(state, file.size()));
}
BENCHMARK(BM_csv_reader_chunks_doubles)->Unit(benchmark::kMillisecond);

#if defined(MLGUARD_BENCH_GZIP)
// bytes_per_second counts the uncompressed CSV.
void BM_read_csv_doubles_gzip(benchmark::State& state) {
  const auto& plain = doubles_file();
  static const temp_file packed = [&] {
    const std::string command = "gzip -c -n " + plain.path + " > " + plain.path + ".gz";
    if (std::system(command.c_str()) != 0) {
      std::abort();
    }
    FILE* f = std::fopen((plain.path + ".gz").c_str(), "rb");
    std::string bytes;
    char buffer[65536];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
      bytes.append(buffer, n);
    }
    std::fclose(f);
    std::remove((plain.path + ".gz").c_str());
    return temp_file(bytes, ".csv.gz");
  }();
  for (auto _ : state) {
    auto t = mlguard::io::read_csv(mlguard::io::open_input(packed.path));
    benchmark::DoNotOptimize(t.at("x").values().data());
  }
  state.SetBytesProcessed(processed(state, plain.size()));
}
BENCHMARK(BM_read_csv_doubles_gzip)->Unit(benchmark::kMillisecond);
#endif

void BM_read_csv_mixed(benchmark::State& state) {
  static const temp_file file(mixed_csv(200000), "-mixed.csv");
  for (auto _ : state) {
    auto t = mlguard::io::read_csv(file.path);
    benchmark::DoNotOptimize(t.rows());
  }
  state.SetBytesProcessed(processed(state, file.size()));
}
BENCHMARK(BM_read_csv_mixed)->Unit(benchmark::kMillisecond);

// The number parser alone, on the fields of the doubles file.
std::pair<std::string, std::vector<std::pair<std::size_t, std::size_t>>> number_fields() {
  std::string text = doubles_csv(1000000).substr(2);
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    spans.emplace_back(at, end);
    at = end + 1;
  }
  return {std::move(text), std::move(spans)};
}

// Parses every field of number_fields() with `parse(first, last, value)`.
template <typename Parse>
void parse_numbers(benchmark::State& state, Parse parse) {
  static const auto fields = number_fields();
  const char* base = fields.first.data();
  for (auto _ : state) {
    double sum = 0;
    for (const auto& [b, e] : fields.second) {
      double v = 0;
      parse(base + b, base + e, v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(processed(state, fields.first.size()));
}

void BM_parse_numbers_from_chars(benchmark::State& state) {
  parse_numbers(state, [](const char* first, const char* last, double& v) {
    std::from_chars(first, last, v);
  });
}
BENCHMARK(BM_parse_numbers_from_chars)->Unit(benchmark::kMillisecond);

#if defined(MLGUARD_BENCH_FAST_FLOAT)
void BM_parse_numbers_fast_float(benchmark::State& state) {
  parse_numbers(state, [](const char* first, const char* last, double& v) {
    fast_float::from_chars(first, last, v);
  });
}
BENCHMARK(BM_parse_numbers_fast_float)->Unit(benchmark::kMillisecond);
#endif

// Getting the bytes: read(2) into one 1 MiB block (what file_source does)...
void BM_bytes_read_1mib(benchmark::State& state) {
  const auto& file = doubles_file();
  std::vector<char> block(std::size_t{1} << 20);
  for (auto _ : state) {
    const int fd = ::open(file.path.c_str(), O_RDONLY);
    std::size_t sum = 0;
    ssize_t n = 0;
    while ((n = ::read(fd, block.data(), block.size())) > 0) {
      sum += static_cast<unsigned char>(block[static_cast<std::size_t>(n) - 1]);
    }
    ::close(fd);
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(processed(state, file.size()));
}
BENCHMARK(BM_bytes_read_1mib)->Unit(benchmark::kMillisecond);

// ... against mapping the file and touching every page.
void BM_bytes_mmap(benchmark::State& state) {
  const auto& file = doubles_file();
  const std::size_t size = file.size();
  for (auto _ : state) {
    const int fd = ::open(file.path.c_str(), O_RDONLY);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const auto* bytes = static_cast<const unsigned char*>(map);
    std::size_t sum = 0;
    for (std::size_t i = 0; i < size; i += 4096) {
      sum += bytes[i];
    }
    ::munmap(map, size);
    ::close(fd);
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(processed(state, file.size()));
}
BENCHMARK(BM_bytes_mmap)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
