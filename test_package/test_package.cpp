// Conan's test_package: proves the packaged headers compile and link.
#include <mlguard/mlguard.hpp>

#include <cstdio>

int main() {
  mlguard::table t;
  t.add(mlguard::column::numeric("x", {1.0, 2.0}));
  std::printf("mlguard %s test_package OK (%zu rows)\n", mlguard::version().string, t.rows());
  return 0;
}
