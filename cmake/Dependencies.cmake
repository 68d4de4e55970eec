# Every third-party dependency of evoke, each a Debian 12 package. A missing one stops the
# configure step with the package to install (scripts/install-deps installs them all).

function(evoke_require found package)
  if(NOT ${found})
    message(FATAL_ERROR "missing dependency: install the Debian package '${package}' "
                        "(scripts/install-deps does it)")
  endif()
endfunction()

find_package(Boost 1.74 QUIET COMPONENTS regex)
evoke_require(Boost_FOUND "libboost1.74-dev libboost-regex1.74-dev")

find_package(SQLite3 QUIET)
evoke_require(SQLite3_FOUND libsqlite3-dev)

find_package(OpenSSL QUIET)
evoke_require(OPENSSL_FOUND libssl-dev)

find_package(pugixml QUIET)
evoke_require(pugixml_FOUND libpugixml-dev)

find_package(nlohmann_json 3 QUIET)
evoke_require(nlohmann_json_FOUND nlohmann-json3-dev)

find_package(LibArchive QUIET)
evoke_require(LibArchive_FOUND libarchive-dev)

find_package(ZLIB QUIET)
evoke_require(ZLIB_FOUND zlib1g-dev)

find_package(Threads REQUIRED)

if(EVOKE_TESTS)
  find_package(GTest QUIET)
  evoke_require(GTest_FOUND libgtest-dev)
endif()
