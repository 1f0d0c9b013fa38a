# What `cmake --install` puts under a prefix, racelab's CMake package, and the Debian
# package `cpack -G DEB` makes of the same files:
#   bin/racelab                        the checker
#   lib/racelab/racelab_preload.so     its fork server for programs without the support library
#   include/racelab/                   the rl vocabulary (<racelab/rl.hpp>)
#   lib/libracelab_rl{,_tsan}.a        its support library, plain and ThreadSanitizer, and
#   lib/libracelab_rl_protocol{,_tsan}.a   the protocol it speaks with racelab
#   lib/cmake/racelab/                 find_package(racelab): racelab::rl, racelab::rl_tsan,
#                                      racelab_add_variant()
#   share/racelab/tsan.supp            the suppressions racelab gives TSan runs
#   share/doc/racelab/                 copyright and changelog (the Debian package's)
include(CMakePackageConfigHelpers)

set(RACELAB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/racelab)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/racelab
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
# The rl headers include the protocol's as "protocol/<file>.hpp", which from an installed
# include/racelab/*.hpp resolves beside the includer.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/protocol/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/racelab/protocol FILES_MATCHING PATTERN "*.hpp")

install(TARGETS racelab_variant_support_plain racelab_variant_support_tsan
                racelab_protocol_plain racelab_protocol_tsan
        EXPORT racelabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT racelabTargets NAMESPACE racelab:: DESTINATION ${RACELAB_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/racelabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/racelabConfig.cmake
  INSTALL_DESTINATION ${RACELAB_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/racelabConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/racelabConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/racelabConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/RacelabAddVariant.cmake
        DESTINATION ${RACELAB_CMAKE_DIR})

# Debian wants a copyright file and a compressed changelog (gzip -n: no timestamp, so the
# package is reproducible).
set(racelab_changelog_gz ${PROJECT_BINARY_DIR}/debian/changelog.gz)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/debian)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/cmake/debian/changelog)
execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/cmake/debian/changelog
                OUTPUT_FILE ${racelab_changelog_gz} RESULT_VARIABLE gzip_status)
if(NOT gzip_status EQUAL 0)
  message(FATAL_ERROR "gzip of cmake/debian/changelog failed: ${gzip_status}")
endif()
install(FILES ${PROJECT_SOURCE_DIR}/cmake/debian/copyright ${racelab_changelog_gz}
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# cpack -G DEB (from the build directory) -> racelab_<version>_amd64.deb
set(CPACK_PACKAGE_NAME racelab)
set(CPACK_PACKAGE_VENDOR "racelab")
set(CPACK_PACKAGE_CONTACT "racelab maintainers <racelab@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "checker for races in multi-threaded C++ programs")
set(CPACK_PACKAGE_DESCRIPTION "racelab runs a program many times under schedule fuzzing,
controlled scheduling (random or PCT, with exact replay and schedule shrinking)
and ThreadSanitizer, classifies its failures and writes reports. The package
holds the checker, the rl vocabulary (threads, locks, queue, shared state)
whose support library gives programs fuzz points and controlled scheduling,
and a CMake package whose racelab_add_variant() builds a program plain and
with ThreadSanitizer and lists it for racelab.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries racelab links (Boost.Program_options, fmt, libstdc++) come from
# dpkg-shlibdeps; llvm brings llvm-symbolizer (file:line in TSan reports), clang builds
# variants with the TSan runtime the support library was built for, cmake runs the package.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "llvm, clang")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake (>= 3.25), ninja-build")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/build-.*/;/\\\\.git/")
include(CPack)
