# racelab_add_variant(): builds a program written with the rl vocabulary (<racelab/rl.hpp>)
# twice, plain and ThreadSanitizer, and lists it in a manifest racelab reads. Shipped in
# racelab's CMake package (find_package(racelab)) and used for racelab's own specimens.
#
#   racelab_add_variant(<name> SOURCES <file>...
#     [ORACLE sum-sequence|riemann|exit-status]   how racelab judges a run (exit-status)
#     [ITERATIONS N]       RACELAB_ITERATIONS default compiled in (100)
#     [CHECK_ITERATIONS N] iterations racelab runs it with (ITERATIONS)
#     [THREADS T]          RACELAB_THREADS default compiled in (0)
#     [FUZZ SETTING]       fuzz setting compiled in as the program's default (none)
#     [EXACT X TOLERANCE E]  the riemann oracle's exact value and tolerance
#     [TITLE text] [VERDICT text]
#     [EXPECT <build>:<class>[=<rate>]...]   classes `racelab run --expect` requires, per
#                          build (plain or tsan), with the rate measured (default 1)
#     [TOLERATE <build>:<class>...]          classes allowed but not required
#     [EXPECTED_FUZZ SETTING]                the fuzz setting the rates were measured under
#     [OUTPUT_DIRECTORY dir])                default: <top build dir>/racelab
#
# Targets: racelab_variant_plain_<name> and racelab_variant_tsan_<name>, built as
# <dir>/plain/<name> and <dir>/tsan/<name>; <dir>/manifest.json lists every variant of
# the directory once the top-level CMakeLists.txt has been read. In that build directory
# `racelab list`, `racelab run <name>` and `racelab run all --expect` use it; elsewhere pass
# `--manifest <dir>/manifest.json`.
#
# MANIFEST_ENTRY <json object> replaces ORACLE..EXPECTED_FUZZ with a whole manifest entry
# (racelab's own specimens, whose expectations live in variants/manifest.json).
include_guard(GLOBAL)

function(_racelab_json_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

function(_racelab_check_count name what value)
  if(NOT value MATCHES "^[0-9]+$")
    message(FATAL_ERROR "racelab_add_variant(${name}): ${what} must be a whole number, "
                        "got '${value}'")
  endif()
endfunction()

# <build>:<class>[=<rate>] words into {"plain": {...}, "tsan": {...}}; with rates when
# `with_rate`, else as arrays of class names.
function(_racelab_classes out name keyword with_rate)
  if(with_rate)
    set(result "{\"plain\": {}, \"tsan\": {}}")
  else()
    set(result "{\"plain\": [], \"tsan\": []}")
  endif()
  foreach(word IN LISTS ARGN)
    if(NOT word MATCHES "^(plain|tsan):([a-z][a-z0-9-]*)(=([0-9.]+))?$")
      message(FATAL_ERROR "racelab_add_variant(${name}): ${keyword} '${word}': expected "
                          "plain:<class> or tsan:<class>, with EXPECT optionally =<rate>")
    endif()
    set(build "${CMAKE_MATCH_1}")
    set(class "${CMAKE_MATCH_2}")
    set(rate "${CMAKE_MATCH_4}")
    if(with_rate)
      if("${rate}" STREQUAL "")
        set(rate 1)
      endif()
      string(JSON result SET "${result}" ${build} ${class} "{\"rate\": ${rate}, \"runs\": 0}")
    else()
      string(JSON n LENGTH "${result}" ${build})
      string(JSON result SET "${result}" ${build} ${n} "\"${class}\"")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

function(racelab_add_variant name)
  cmake_parse_arguments(PARSE_ARGV 1 arg ""
    "ORACLE;ITERATIONS;CHECK_ITERATIONS;THREADS;FUZZ;EXACT;TOLERANCE;TITLE;VERDICT;EXPECTED_FUZZ;OUTPUT_DIRECTORY;MANIFEST_ENTRY"
    "SOURCES;EXPECT;TOLERATE")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "racelab_add_variant(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
    message(FATAL_ERROR "racelab_add_variant: '${name}' is not a usable variant name")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "racelab_add_variant(${name}): SOURCES is required")
  endif()
  if(NOT TARGET racelab::rl OR NOT TARGET racelab::rl_tsan)
    message(FATAL_ERROR "racelab_add_variant(${name}): racelab::rl and racelab::rl_tsan are "
                        "missing (find_package(racelab) first)")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "racelab_add_variant(${name}): the TSan build needs the compiler racelab "
                        "was built with (clang++); configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  set(dir "${arg_OUTPUT_DIRECTORY}")
  if(dir STREQUAL "")
    set(dir "${CMAKE_BINARY_DIR}/racelab")
  endif()
  list(GET arg_SOURCES 0 first_source)
  file(RELATIVE_PATH source_rel "${PROJECT_SOURCE_DIR}"
       "${CMAKE_CURRENT_SOURCE_DIR}/${first_source}")
  if(IS_ABSOLUTE "${first_source}")
    file(RELATIVE_PATH source_rel "${PROJECT_SOURCE_DIR}" "${first_source}")
  endif()

  if(DEFINED arg_MANIFEST_ENTRY)
    set(entry "${arg_MANIFEST_ENTRY}")
    foreach(field id oracle iterations threads default_fuzz)
      string(JSON value_${field} ERROR_VARIABLE error GET "${entry}" ${field})
      if(error)
        message(FATAL_ERROR "racelab_add_variant(${name}): manifest entry: ${field}: ${error}")
      endif()
    endforeach()
    if(NOT value_id STREQUAL name)
      message(FATAL_ERROR "racelab_add_variant(${name}): the manifest entry is '${value_id}'")
    endif()
    set(iterations ${value_iterations})
    set(threads ${value_threads})
    set(fuzz "${value_default_fuzz}")
  else()
    foreach(pair ORACLE:exit-status ITERATIONS:100 THREADS:0 FUZZ:none TITLE:${name} VERDICT:)
      string(REPLACE ":" ";" pair "${pair}")
      list(GET pair 0 key)
      list(LENGTH pair n)
      if(n GREATER 1 AND NOT DEFINED arg_${key})
        list(GET pair 1 arg_${key})
      endif()
    endforeach()
    if(NOT DEFINED arg_CHECK_ITERATIONS)
      set(arg_CHECK_ITERATIONS ${arg_ITERATIONS})
    endif()
    _racelab_check_count(${name} ITERATIONS "${arg_ITERATIONS}")
    _racelab_check_count(${name} CHECK_ITERATIONS "${arg_CHECK_ITERATIONS}")
    _racelab_check_count(${name} THREADS "${arg_THREADS}")
    if(NOT arg_ORACLE MATCHES "^(sum-sequence|riemann|exit-status)$")
      message(FATAL_ERROR "racelab_add_variant(${name}): ORACLE must be sum-sequence, riemann "
                          "or exit-status, got '${arg_ORACLE}'")
    endif()
    set(iterations ${arg_ITERATIONS})
    set(threads ${arg_THREADS})
    set(fuzz "${arg_FUZZ}")
    _racelab_json_string(j_name "${name}")
    _racelab_json_string(j_title "${arg_TITLE}")
    _racelab_json_string(j_verdict "${arg_VERDICT}")
    _racelab_json_string(j_source "${source_rel}")
    _racelab_json_string(j_fuzz "${fuzz}")
    set(entry "{\"id\": ${j_name}, \"title\": ${j_title}, \"source\": ${j_source}, \"kind\": \"correctness\", \"oracle\": \"${arg_ORACLE}\", \"iterations\": ${iterations}, \"threads\": ${threads}, \"check_iterations\": ${arg_CHECK_ITERATIONS}, \"default_fuzz\": ${j_fuzz}, \"verdict\": ${j_verdict}}")
    if(arg_ORACLE STREQUAL "riemann")
      if(NOT DEFINED arg_EXACT OR NOT DEFINED arg_TOLERANCE)
        message(FATAL_ERROR "racelab_add_variant(${name}): ORACLE riemann needs EXACT and TOLERANCE")
      endif()
      string(JSON entry SET "${entry}" exact "${arg_EXACT}")
      string(JSON entry SET "${entry}" tolerance "${arg_TOLERANCE}")
    endif()
    _racelab_classes(expected ${name} EXPECT ON ${arg_EXPECT})
    string(JSON entry SET "${entry}" expected "${expected}")
    if(arg_TOLERATE)
      _racelab_classes(tolerated ${name} TOLERATE OFF ${arg_TOLERATE})
      string(JSON entry SET "${entry}" tolerated "${tolerated}")
    endif()
    if(DEFINED arg_EXPECTED_FUZZ)
      _racelab_json_string(j_expected_fuzz "${arg_EXPECTED_FUZZ}")
      string(JSON entry SET "${entry}" expected_fuzz "${j_expected_fuzz}")
    endif()
  endif()

  foreach(flavour plain tsan)
    set(target racelab_variant_${flavour}_${name})
    add_executable(${target} ${arg_SOURCES})
    if(flavour STREQUAL "plain")
      target_link_libraries(${target} PRIVATE racelab::rl)
      target_compile_options(${target} PRIVATE -O2)
    else()
      # racelab::rl_tsan carries -fsanitize=thread -g -O1 to the program.
      target_link_libraries(${target} PRIVATE racelab::rl_tsan)
    endif()
    target_compile_definitions(${target} PRIVATE
      RACELAB_VARIANT_ID="${name}"
      RACELAB_VARIANT_ITERATIONS=${iterations}
      RACELAB_VARIANT_THREADS=${threads}
      RACELAB_VARIANT_FUZZ="${fuzz}")
    set_target_properties(${target} PROPERTIES
      OUTPUT_NAME ${name}
      RUNTIME_OUTPUT_DIRECTORY ${dir}/${flavour})
  endforeach()
  if(NOT TARGET racelab_variants)
    add_custom_target(racelab_variants)
  endif()
  add_dependencies(racelab_variants racelab_variant_plain_${name} racelab_variant_tsan_${name})

  # One manifest per output directory, written once every variant of it is declared.
  get_property(ids GLOBAL PROPERTY "racelab_manifest_ids ${dir}")
  if(name IN_LIST ids)
    message(FATAL_ERROR "racelab_add_variant(${name}): declared twice for ${dir}")
  endif()
  if(NOT ids)
    _racelab_json_string(j_root "${PROJECT_SOURCE_DIR}")
    set_property(GLOBAL PROPERTY "racelab_manifest_root ${dir}" "${j_root}")
    cmake_language(EVAL CODE
      "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL _racelab_write_manifest [[${dir}]])")
  endif()
  set_property(GLOBAL APPEND PROPERTY "racelab_manifest_ids ${dir}" "${name}")
  set_property(GLOBAL PROPERTY "racelab_manifest_entry ${dir} ${name}" "${entry}")
endfunction()

# Writes <dir>/manifest.json (only when its text changes, so racelab runs are not disturbed
# by a reconfigure that changed nothing).
function(_racelab_write_manifest dir)
  get_property(ids GLOBAL PROPERTY "racelab_manifest_ids ${dir}")
  get_property(root GLOBAL PROPERTY "racelab_manifest_root ${dir}")
  # Plain concatenation, not a list: an entry's text may hold a ';'.
  set(entries "")
  set(separator "")
  foreach(id IN LISTS ids)
    get_property(entry GLOBAL PROPERTY "racelab_manifest_entry ${dir} ${id}")
    string(APPEND entries "${separator}    ${entry}")
    set(separator ",\n")
  endforeach()
  set(text "{\n  \"schema\": \"racelab.manifest/1\",\n  \"source_root\": ${root},\n  \"variants\": [\n${entries}\n  ]\n}\n")
  set(old "")
  if(EXISTS "${dir}/manifest.json")
    file(READ "${dir}/manifest.json" old)
  endif()
  if(NOT old STREQUAL text)
    file(WRITE "${dir}/manifest.json" "${text}")
  endif()
endfunction()
