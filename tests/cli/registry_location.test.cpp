// examples/cli/registry_location.hpp: which --registry values name PostgreSQL.
#include "../../examples/cli/registry_location.hpp"

#include <doctest/doctest.h>

using mlguard::cli::is_postgres_url;

TEST_CASE("registry location: PostgreSQL URLs in any case and libpq key=value strings, else a "
          "directory") {
  CHECK(is_postgres_url("postgresql://alice@db/ml"));
  CHECK(is_postgres_url("postgres://db/ml"));
  CHECK(is_postgres_url("PostgreSQL://db/ml"));
  CHECK(is_postgres_url("host=db dbname=ml"));
  CHECK(is_postgres_url("dbname = ml"));
  CHECK_FALSE(is_postgres_url("models"));
  CHECK_FALSE(is_postgres_url("/srv/models"));
  CHECK_FALSE(is_postgres_url("./host=db"));
  CHECK_FALSE(is_postgres_url("=x"));
  CHECK_FALSE(is_postgres_url(""));
  CHECK_FALSE(is_postgres_url("postgresql:/db"));
}
