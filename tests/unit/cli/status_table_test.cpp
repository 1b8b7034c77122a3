// `openclawd status` as people read it: the daemon line, the VM table with the
// reason a VM failed, and one readable line per service.
#include "../src/cli/status_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace openclawd::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusTable, DurationsAreShort) {
  EXPECT_EQ(format_duration(42), "42s");
  EXPECT_EQ(format_duration(307), "5m07s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(273600), "3d04h");
  EXPECT_EQ(format_duration(-1), "-");
}

TEST(StatusTable, VmsServicesAndErrorsAreReadable) {
  const auto status = nlohmann::json::parse(R"({
    "daemon": {"version": "0.1.0", "pid": 77, "state": "running", "uptime_s": 65,
               "control_socket": "/run/openclawd/control.sock"},
    "vms": [
      {"name": "gogcli", "state": "running", "uptime_s": 30, "restarts": 0, "pid": 4242,
       "last_exit": null},
      {"name": "openclaw", "state": "failed", "uptime_s": null, "restarts": 5, "pid": null,
       "last_exit": "crashed", "error": "crash loop: 5 restarts within 300 s"}
    ],
    "services": {
      "network": {"bridge": "microbr", "egress_log": {"accepted": 3, "dropped": 1}},
      "audit": {"watches": [{"vm": "gogcli"}, {"vm": "openclaw"}], "records": 9},
      "dns": {"listen": ["192.168.83.1:53"]}
    }
  })");
  const auto text = format_status_table(status);
  EXPECT_THAT(text, HasSubstr("openclawd 0.1.0 (pid 77, running, up 1m05s)"));
  EXPECT_THAT(text, HasSubstr("gogcli    running  30s     0         4242  -"));
  EXPECT_THAT(text, HasSubstr("openclaw  failed   -       5         -     crashed"));
  EXPECT_THAT(text, HasSubstr("openclaw: crash loop: 5 restarts within 300 s\n"));
  EXPECT_THAT(text, HasSubstr("bridge=microbr  egress_log.accepted=3  egress_log.dropped=1"));
  EXPECT_THAT(text, HasSubstr("records=9  watches=2"));
  EXPECT_THAT(text, HasSubstr("listen=[192.168.83.1:53]"));
  EXPECT_THAT(text, Not(HasSubstr("{\"")));  // no raw JSON in the table
}

TEST(StatusTable, NoVmsSaysSo) {
  const auto text = format_status_table(nlohmann::json::parse(R"({"daemon": {}, "vms": []})"));
  EXPECT_THAT(text, HasSubstr("no VMs configured"));
}

}  // namespace
}  // namespace openclawd::cli
