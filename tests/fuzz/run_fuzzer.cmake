# Runs one libFuzzer target: SECONDS > 0 fuzzes that long on a fresh copy of the seed
# corpus (the committed corpus is never written to); SECONDS = 0 only replays the
# corpus and the regression inputs. Any crash, leak or broken invariant fails.
# cmake -DFUZZER=bin -DCORPUS=dir -DREGRESSIONS=dir -DWORK=dir -DSECONDS=n -P run_fuzzer.cmake
# RACELAB_FUZZ_SECONDS in the environment lengthens a fuzzing run (docs/reliability.md).
if(SECONDS GREATER 0 AND DEFINED ENV{RACELAB_FUZZ_SECONDS})
  set(SECONDS $ENV{RACELAB_FUZZ_SECONDS})
endif()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(GLOB seeds ${CORPUS}/* ${REGRESSIONS}/*)
file(COPY ${seeds} DESTINATION ${WORK}/corpus)
if(SECONDS GREATER 0)
  set(mode -max_total_time=${SECONDS} -print_final_stats=1)
else()
  set(mode -runs=0)
endif()
execute_process(
  COMMAND ${FUZZER} ${mode} -timeout=10 -rss_limit_mb=2048 -max_len=65536
          -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); the input is in ${WORK}/artifacts/")
endif()
