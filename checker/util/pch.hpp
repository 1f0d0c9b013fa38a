// The precompiled header of racelab's libraries (core, cli, bench suite): the heavy
// third-party headers and the common standard library. Sources still include what they use.
#pragma once

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>
