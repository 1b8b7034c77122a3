// The daemon's boot hooks with a recording secrets double and a real
// HostNetwork over recording link manager and firewall doubles.
#include "openclawd/daemon/guest_boot_hooks.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "common/fake_sysctls.hpp"

namespace openclawd::daemon {
namespace {

struct RecordingSecrets : secrets::GuestSecrets {
  Status prepare_for_boot(std::string_view vm) override {
    calls.push_back("prepare " + std::string(vm));
    return failing ? make_error("admin file missing") : ok_status();
  }
  std::filesystem::path guest_share(std::string_view vm) const override {
    return "/state/secrets-ro/" + std::string(vm);
  }
  Status rotate(std::string_view, std::optional<std::string>) override { return ok_status(); }
  std::vector<std::string> calls;
  bool failing = false;
};

struct RecordingLinks : net::LinkManager {
  Status ensure_bridge(const std::string& name, const net::Ipv4Interface&) override {
    calls.push_back("bridge " + name);
    return ok_status();
  }
  Status ensure_tap(const std::string& name, const std::string& owner,
                    const std::string& bridge) override {
    calls.push_back("tap " + name + " " + owner + " " + bridge);
    return tap_error.empty() ? ok_status() : make_error(tap_error);
  }
  Status remove(const std::string& name) override {
    calls.push_back("remove " + name);
    return ok_status();
  }
  std::vector<std::string> calls;
  std::string tap_error;
};

struct NoFirewall : net::Firewall {
  Status apply(const net::Ruleset&) override { return ok_status(); }
  Status allow_destination(std::string_view, net::Ipv4Address, std::chrono::seconds) override {
    return ok_status();
  }
  Status allow_destinations(std::string_view, const std::vector<net::Ipv4Address>&,
                            std::chrono::seconds) override {
    return ok_status();
  }
  Status remove() override { return ok_status(); }
};

class GuestBootHooksTest : public ::testing::Test {
 protected:
  GuestBootHooksTest()
      : network(io, settings(), "libvirt-qemu", {}, links, firewall, sysctls, nullptr) {}

  static net::NetworkSettings settings() {
    net::NetworkSettings s;
    s.bridge = "microbr";
    s.address = *net::Ipv4Interface::parse("192.168.83.1/24");
    s.guests = {{"openclaw", "microvm-oc", {}, *net::Ipv4Address::parse("192.168.83.2")},
                {"plain", "microvm-pl", {}, *net::Ipv4Address::parse("192.168.83.4")}};
    return s;
  }
  static config::VmConfig openclaw() {
    config::VmConfig vm;
    vm.name = "openclaw";
    vm.network.tap = "microvm-oc";
    vm.secrets.tokens.push_back({"gateway-token", 32, true});
    vm.shares.push_back({"secrets", "secrets", {}, true});
    return vm;
  }

  boost::asio::io_context io;
  RecordingSecrets secrets;
  RecordingLinks links;
  NoFirewall firewall;
  net::testing::FakeSysctls sysctls;
  net::HostNetwork network;
};

TEST_F(GuestBootHooksTest, StagesSecretsThenMakesTheTapAndSharesTheReadOnlyView) {
  GuestBootHooks hooks(&secrets, &network);
  auto resources = hooks.before_boot(openclaw());
  ASSERT_TRUE(resources) << resources.error().message;
  EXPECT_EQ(resources->secrets_dir, "/state/secrets-ro/openclaw");
  EXPECT_EQ(secrets.calls, std::vector<std::string>{"prepare openclaw"});
  EXPECT_EQ(links.calls, std::vector<std::string>{"tap microvm-oc libvirt-qemu microbr"});
  hooks.after_stop(openclaw());
  EXPECT_EQ(links.calls.back(), "remove microvm-oc");
}

TEST_F(GuestBootHooksTest, ASecretsFailureStopsTheBootBeforeTheTapExists) {
  secrets.failing = true;
  GuestBootHooks hooks(&secrets, &network);
  auto resources = hooks.before_boot(openclaw());
  ASSERT_FALSE(resources);
  EXPECT_NE(resources.error().message.find("secrets of openclaw"), std::string::npos);
  EXPECT_NE(resources.error().message.find("admin file missing"), std::string::npos);
  EXPECT_TRUE(links.calls.empty());
}

TEST_F(GuestBootHooksTest, ATapFailureNamesTheTapAndTheVm) {
  links.tap_error = "exists as a bridge";
  GuestBootHooks hooks(&secrets, &network);
  auto resources = hooks.before_boot(openclaw());
  ASSERT_FALSE(resources);
  EXPECT_NE(resources.error().message.find("tap microvm-oc of openclaw"), std::string::npos);
}

TEST_F(GuestBootHooksTest, AVmWithoutSecretsGetsNoShareAndNoStaging) {
  config::VmConfig plain;
  plain.name = "plain";
  plain.network.tap = "microvm-pl";
  GuestBootHooks hooks(&secrets, &network);
  auto resources = hooks.before_boot(plain);
  ASSERT_TRUE(resources) << resources.error().message;
  EXPECT_TRUE(resources->secrets_dir.empty());
  EXPECT_TRUE(secrets.calls.empty());
}

TEST_F(GuestBootHooksTest, SharingSecretsWithoutASecretsModuleIsAnError) {
  GuestBootHooks hooks(nullptr, &network);
  auto resources = hooks.before_boot(openclaw());
  ASSERT_FALSE(resources);
  EXPECT_NE(resources.error().message.find("shares \"secrets\""), std::string::npos);
}

}  // namespace
}  // namespace openclawd::daemon
