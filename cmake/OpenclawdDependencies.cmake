# Every dependency is a Debian package (scripts/install-deps.sh installs them).
# Each is exposed as an imported target named openclawd::dep::<name> so module
# CMakeLists only say what they use.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Boost 1.81 REQUIRED)

function(openclawd_pkg name module)
  pkg_check_modules(${name} REQUIRED IMPORTED_TARGET ${module})
  add_library(openclawd::dep::${name} ALIAS PkgConfig::${name})
endfunction()

openclawd_pkg(spdlog spdlog)
openclawd_pkg(fmt fmt)
openclawd_pkg(systemd libsystemd)
openclawd_pkg(ssl openssl)
openclawd_pkg(nftnl libnftnl)
openclawd_pkg(mnl libmnl)
openclawd_pkg(audit audit)
openclawd_pkg(unbound libunbound)
openclawd_pkg(virt libvirt)
openclawd_pkg(curl libcurl)
openclawd_pkg(icu "icu-uc;icu-i18n")
openclawd_pkg(hyperscan libhs)
openclawd_pkg(re2 re2)
openclawd_pkg(sentencepiece sentencepiece)
openclawd_pkg(openblas openblas)

add_library(openclawd_boost INTERFACE)
target_link_libraries(openclawd_boost INTERFACE Boost::headers Threads::Threads)
# Asio without the deprecated io_service names; Beast/Asio are header-only here.
target_compile_definitions(openclawd_boost INTERFACE BOOST_ASIO_NO_DEPRECATED)
add_library(openclawd::dep::asio ALIAS openclawd_boost)
add_library(openclawd::dep::json ALIAS nlohmann_json::nlohmann_json)
add_library(openclawd::dep::cli11 ALIAS CLI11::CLI11)

if(OPENCLAWD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# Python for test helpers: Debian's interpreter, where apt installs python3-*
# packages (a pyenv/venv python3 first on PATH would not see them).
set(OPENCLAWD_PYTHON "/usr/bin/python3" CACHE FILEPATH "Python used by tests (Debian's)")
