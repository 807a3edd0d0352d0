# Fails unless FILE parses as JSON (string(JSON) needs CMake 3.19).
file(READ "${FILE}" text)
string(JSON type ERROR_VARIABLE err TYPE "${text}")
if(err)
  message(FATAL_ERROR "${FILE} is not valid JSON: ${err}")
endif()
message(STATUS "${FILE}: valid JSON (${type})")
