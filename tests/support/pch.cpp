// Compiles tests/support/test_pch.hpp once; every test target reuses the result.
