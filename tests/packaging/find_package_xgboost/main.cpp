// A consumer of the component mlguard::xgboost: it must compile against mlguard and
// XGBoost's C API together and link libxgboost, through find_package(mlguard
// COMPONENTS xgboost) alone.
#include <mlguard/mlguard.hpp>
#include <xgboost/c_api.h>

#include <cstdio>

int main() {
  BoosterHandle booster = nullptr;
  if (XGBoosterCreate(nullptr, 0, &booster) != 0) {
    std::printf("XGBoosterCreate failed: %s\n", XGBGetLastError());
    return 1;
  }
  if (XGBoosterFree(booster) != 0) {
    return 2;
  }
  int major = 0;
  int minor = 0;
  int patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  std::printf("mlguard %s xgboost consumer OK (XGBoost %d.%d.%d)\n", mlguard::version().string,
              major, minor, patch);
  return 0;
}
