# Sanitizer flags applied per target: specimens must be instrumented whatever the
# preset, and the checker is instrumented only in the tsan/asan presets.

# racelab_sanitize(<target> <none|thread|address>)
#   thread:  clang -fsanitize=thread -g -O1 (the variants.md contract for specimens)
#   address: -fsanitize=address,undefined with frame pointers, no recovery from UB
function(racelab_sanitize target kind)
  if(kind STREQUAL "thread")
    target_compile_options(${target} PRIVATE -fsanitize=thread -g -O1)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  elseif(kind STREQUAL "address")
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                           -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  elseif(kind STREQUAL "plain" OR kind STREQUAL "none" OR kind STREQUAL "")
  else()
    message(FATAL_ERROR "racelab_sanitize: unknown sanitizer '${kind}'")
  endif()
endfunction()

# The whole-build sanitizer of the tsan/asan presets, for racelab's own targets: unoptimised,
# with line tables (what sanitizer reports need), after the sanitizer's flags. These builds
# look for racelab's bugs, not its speed, and compile in about half the time.
# Without a sanitizer, racelab's own code also carries line tables only, in place of full
# debug information: backtraces, sanitizer reports and profiles keep file:line and inlined
# frames, and the nlohmann/fmt-heavy files compile in about three quarters of the time.
# RACELAB_FULL_DEBUG_INFO=ON gives a debugger its variables back.
option(RACELAB_FULL_DEBUG_INFO "Full debug information in racelab's own code (-g)" OFF)
function(racelab_sanitize_own target)
  racelab_sanitize(${target} "${RACELAB_SANITIZER}")
  if(NOT RACELAB_SANITIZER STREQUAL "")
    target_compile_options(${target} PRIVATE -O0 -gline-tables-only)
  elseif(NOT RACELAB_FULL_DEBUG_INFO)
    target_compile_options(${target} PRIVATE $<$<CONFIG:RelWithDebInfo,Debug>:-gline-tables-only>)
  endif()
endfunction()

# racelab's own test code: unoptimised, with line tables. The code under test keeps its
# build's flags; a test's own code is assertions and fixtures, and half of a test file's
# compile time was the optimiser's.
function(racelab_test_flags target)
  racelab_sanitize_own(${target})
  target_compile_options(${target} PRIVATE -O0 -gline-tables-only)
endfunction()

if(NOT RACELAB_SANITIZER STREQUAL "" AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(WARNING "RACELAB_SANITIZER=${RACELAB_SANITIZER} is tested with clang only")
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "racelab builds its TSan specimens with clang: configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ (the presets do)")
endif()

# racelab_tsan_options(<required-var> <default-var>)
# Reads sanitize/tsan_options.conf (the documented source of truth) into two
# colon-separated TSAN_OPTIONS strings.
function(racelab_tsan_options required_var default_var)
  set(conf ${PROJECT_SOURCE_DIR}/sanitize/tsan_options.conf)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${conf})
  file(STRINGS ${conf} lines)
  set(section "")
  set(required "")
  set(defaults "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "#.*$" "" line "${line}")
    string(STRIP "${line}" line)
    if(line STREQUAL "")
      continue()
    elseif(line MATCHES "^\\[(.*)\\]$")
      set(section "${CMAKE_MATCH_1}")
    elseif(section STREQUAL "required")
      list(APPEND required "${line}")
    elseif(section STREQUAL "default")
      list(APPEND defaults "${line}")
    else()
      message(FATAL_ERROR "${conf}: option '${line}' outside [required]/[default]")
    endif()
  endforeach()
  list(JOIN required ":" required)
  list(JOIN defaults ":" defaults)
  set(${required_var} "${required}" PARENT_SCOPE)
  set(${default_var} "${defaults}" PARENT_SCOPE)
endfunction()
