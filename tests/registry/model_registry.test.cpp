// The conformance suite of the model_registry interface (registry_conformance.hpp),
// run against the in-memory and file backends.
#define MLGUARD_REGISTRY_BACKENDS test::memory_backend, test::file_backend
#include "registry_conformance.hpp"
