#ifndef MLGUARD_MLGUARD_HPP
#define MLGUARD_MLGUARD_HPP

/// The umbrella header: includes every public mlguard header.

#include "mlguard/core/clock.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/core/version.hpp"

#endif // MLGUARD_MLGUARD_HPP
