# The long tests' costs (seconds, roughly, on 2 busy cores), read by ctest: higher starts
# first. Only the order changes; a name not in this build (e.g. in a sanitizer preset) is
# ignored. A parameterised test's name is gtest_discover_tests', with its "# GetParam()".
foreach(entry
    "BenchCommand.AllQuickWritesWellFormedJsonAndCharts=52"
    "ControlledReplay.HundredRecordedFailingSchedulesReplayIdentically=49"
    "Controlled/ShardLaw.MergeOfTheShardsIsTheUnshardedReport/pct3  # GetParam() = \"pct:3\"=38"
    "Controlled/ShardLaw.MergeOfTheShardsIsTheUnshardedReport/random  # GetParam() = \"random\"=35"
    "Package.DebianPackageUnpacksAndBuildsTheExample=34"
    "report_schema_test=23"
    "SlurmCluster.JobArrayShardsMergeIntoTheUnshardedReport=21"
    "ControlledShrink.SchedulesAreTheSameUnderLoadWithOneJobAndQuietWithFour=17"
    "Package.InstalledRacelabFindsReplaysAndShrinksTheExamplesLostUpdate=16"
    "ControlledCli.P1s2UnderPctShowsPrintingClassesThatReplayFromTheirSchedules=8"
    "KubernetesRecipe.IndexedJobRunsTheDocumentedCommandAndItsShardsMerge=8"
    "RunnerUnderHostilePrograms.LeavesNoDescriptorZombieOrProcessBehind=8"
    "JunitSchema.ReportIsValidAgainstTheJenkinsJunitXsd=7"
    "GnuParallelRecipe.TheDocumentedLineShardsLocallyAndMerges=7")
  string(FIND "${entry}" "=" eq REVERSE)
  string(SUBSTRING "${entry}" 0 ${eq} name)
  math(EXPR from "${eq} + 1")
  string(SUBSTRING "${entry}" ${from} -1 cost)
  set_tests_properties("${name}" PROPERTIES COST ${cost})
endforeach()
