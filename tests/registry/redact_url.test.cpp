// registry/detail/redact_url.hpp: a database URL or libpq connection string made fit for
// an error message, whatever form its password takes.
#include <doctest/doctest.h>

#include <string>

#include "mlguard/registry/detail/redact_url.hpp"

using mlguard::registry::detail::redact_url;

TEST_CASE("redact_url: the password of a URL, a query and a libpq key=value string is hidden") {
  CHECK(redact_url("postgresql://alice:s3cret@db.example/ml?sslmode=require") ==
        "postgresql://alice:***@db.example/ml?sslmode=require");
  CHECK(redact_url("postgresql://db/ml?user=a&password=s3cret&sslmode=require") ==
        "postgresql://db/ml?user=a&password=***&sslmode=require");
  CHECK(redact_url("postgresql://db/ml?password%3Ds3cret") == "postgresql://db/ml?password%3D***");
  CHECK(redact_url("host=/x password=abc user=u") == "host=/x password=*** user=u");
  // libpq allows spaces around '=' and single-quoted values with backslash escapes.
  CHECK(redact_url("host=db password = s3cret user=u") == "host=db password = *** user=u");
  CHECK(redact_url("host=db password='a b' user=u") == "host=db password=*** user=u");
  CHECK(redact_url("password='it\\'s a secret' dbname=ml") == "password=*** dbname=ml");
  CHECK(redact_url("password='never closed") == "password=***");
  // Nothing to hide: unchanged, including a word that only contains "password".
  CHECK(redact_url("postgresql://alice@db/ml") == "postgresql://alice@db/ml");
  CHECK(redact_url("host=db passwordless=1") == "host=db passwordless=1");
  CHECK(redact_url("") == "");
}
