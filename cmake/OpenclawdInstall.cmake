# The install layout (cmake --install build --prefix /usr, or make install):
#   bin/openclawd, bin/openclawd-gate             (openclawd-gate: src/gate)
#   share/openclawd/policies/...                  rules, gate and DNS policies
#   share/openclawd/openclawd.schema.json         the config's JSON Schema
#   share/openclawd/openclaw-defender-plugin/     the guest's OpenClaw plugin
#   share/doc/openclawd/*.md, examples/openclawd.example.json
#   share/man/man8/openclawd.8, openclawd-gate.8
#   lib/systemd/system/openclawd.service          (OPENCLAWD_SYSTEMD_UNIT_DIR)
# The example config and the unit are rewritten for the prefix: the example's
# "../policies/..." becomes <datadir>/openclawd/policies/..., the unit's
# /usr/bin/openclawd becomes <bindir>/openclawd.
include(GNUInstallDirs)

set(OPENCLAWD_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit is installed (relative to the prefix, or absolute)")

install(TARGETS openclawd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES config/openclawd.schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/openclawd)
install(DIRECTORY policies/ DESTINATION ${CMAKE_INSTALL_DATADIR}/openclawd/policies)
install(DIRECTORY packaging/openclaw-defender-plugin/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/openclawd/openclaw-defender-plugin
        PATTERN test EXCLUDE)
install(FILES packaging/man/openclawd.8 packaging/man/openclawd-gate.8
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(FILES README.md CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(openclawd_rewrite_staging "${PROJECT_BINARY_DIR}/install-staging")
function(openclawd_install_rewritten source destination pairs)
  string(REPLACE "\"" "\\\"" pairs "${pairs}")
  install(CODE "
    set(REWRITE_SOURCE \"${PROJECT_SOURCE_DIR}/${source}\")
    set(REWRITE_DESTINATION \"${destination}\")
    set(REWRITE_PAIRS \"${pairs}\")
    set(REWRITE_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
    set(REWRITE_DATADIR \"${CMAKE_INSTALL_DATADIR}\")
    set(REWRITE_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
    set(REWRITE_STAGING_DIR \"${openclawd_rewrite_staging}\")
    include(\"${PROJECT_SOURCE_DIR}/cmake/InstallRewritten.cmake\")
  ")
endfunction()

openclawd_install_rewritten(config/openclawd.example.json "${CMAKE_INSTALL_DOCDIR}/examples"
  "\"../policies/|\"@DATADIR@/openclawd/policies/;\"./openclawd.schema.json\"|\"@DATADIR@/openclawd/openclawd.schema.json\"")
openclawd_install_rewritten(packaging/systemd/openclawd.service "${OPENCLAWD_SYSTEMD_UNIT_DIR}"
  "/usr/bin/openclawd |@BINDIR@/openclawd ;file:///usr/share/doc/openclawd/|file://@DOCDIR@/")
