// Config validation: each rejection names the file, the JSON pointer and what
// is expected; a valid config resolves defaults and paths.
#include "openclawd/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/temp_dir.hpp"

namespace openclawd::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("images/vmlinuz", "kernel");
    dir_.write("images/initrd.img", "initrd");
    document_ = nlohmann::json::parse(R"({
      "version": 1,
      "state_dir": "state",
      "log_dir": "/var/log/openclawd",
      "network": {
        "bridge": "microbr", "address": "192.168.83.1/24", "uplink": "eno1", "nat": true,
        "egress": {"mode": "log"},
        "flows": [{"from": "openclaw", "to": "gogcli", "proto": "tcp", "port": 22}]
      },
      "dns": {"listen": ["192.168.83.1:53"], "forwarders": ["1.1.1.1", "8.8.8.8"]},
      "vms": [
        {"name": "gogcli", "vcpu": 1, "memory_mib": 512,
         "kernel": "images/vmlinuz", "initrd": "images/initrd.img",
         "network": {"tap": "microvm-gog", "mac": "02:00:00:00:00:02", "ip": "192.168.83.3"},
         "vsock_cid": 4},
        {"name": "openclaw", "vcpu": 4, "memory_mib": 4096, "depends_on": ["gogcli"],
         "kernel": "images/vmlinuz",
         "network": {"tap": "microvm-oc", "mac": "02:00:00:00:00:01", "ip": "192.168.83.2"},
         "vsock_cid": 3}
      ]
    })");
  }

  Result<Config> load() {
    auto file = dir_.write("openclawd.json", document_.dump(2));
    return load_config(file);
  }

  // Loads, expects failure, returns the message.
  std::string error() {
    auto result = load();
    EXPECT_FALSE(result.ok()) << "config unexpectedly valid";
    return result.ok() ? std::string() : result.error().message;
  }

  testing::TempDir dir_;
  nlohmann::json document_;
};

TEST_F(ConfigTest, ValidConfigResolvesPathsAndDefaults) {
  auto config = load();
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->state_dir, dir_.path() / "state");
  EXPECT_EQ(config->vms[0].kernel, dir_.path() / "images/vmlinuz");
  EXPECT_EQ(config->vms[1].initrd, std::filesystem::path());
  EXPECT_EQ(config->vms[0].serial_log, "/var/log/openclawd/gogcli-serial.log");
  EXPECT_EQ(config->dns.log_file, "/var/log/openclawd/dns.jsonl");
  EXPECT_EQ(config->control.socket, "/run/openclawd/control.sock");
  EXPECT_EQ(config->vms[1].network.mac.to_string(), "02:00:00:00:00:01");
  EXPECT_EQ(config->network.address.prefix_length, 24);
  EXPECT_EQ(config->start_order(), (std::vector<std::string>{"gogcli", "openclaw"}));
}

TEST_F(ConfigTest, StartOrderFollowsDependenciesNotFileOrder) {
  std::swap(document_["vms"][0], document_["vms"][1]);
  auto config = load();
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->start_order(), (std::vector<std::string>{"gogcli", "openclaw"}));
}

TEST_F(ConfigTest, ResolvedConfigRoundTripsThroughToJson) {
  auto config = load();
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto json = to_json(*config);
  EXPECT_EQ(json["vms"][1]["depends_on"][0], "gogcli");
  EXPECT_EQ(json["network"]["egress"]["mode"], "log");
  EXPECT_EQ(json["vms"][0]["vsock_cid"], 4);
  EXPECT_EQ(json["dns"]["forwarders"][1], "8.8.8.8");
}

TEST_F(ConfigTest, WrongTypeNamesPointerAndExpectation) {
  document_["vms"][1]["memory_mib"] = "lots";
  auto message = error();
  EXPECT_THAT(message, HasSubstr("openclawd.json: /vms/1/memory_mib: expected an integer from 64"));
  EXPECT_THAT(message, HasSubstr("got a string"));
}

TEST_F(ConfigTest, OutOfRangeIntegerIsRejected) {
  document_["vms"][0]["vcpu"] = 0;
  EXPECT_THAT(error(), HasSubstr("/vms/0/vcpu: expected an integer from 1 to 256, got 0"));
}

TEST_F(ConfigTest, UnknownKeysAreReportedWithTheKnownOnes) {
  document_["vms"][0]["memory_mb"] = 512;
  document_["netwrok"] = nlohmann::json::object();
  auto message = error();
  EXPECT_THAT(message, HasSubstr("/vms/0/memory_mb: unknown key"));
  EXPECT_THAT(message, HasSubstr("\"memory_mib\""));
  EXPECT_THAT(message, HasSubstr("/netwrok: unknown key"));
}

TEST_F(ConfigTest, CommentKeysAreAllowed) {
  document_["_comment"] = "hello";
  document_["$schema"] = "./openclawd.schema.json";
  auto config = load();
  EXPECT_TRUE(config.ok()) << config.error().message;
}

TEST_F(ConfigTest, MissingRequiredKey) {
  document_["vms"][0].erase("kernel");
  EXPECT_THAT(error(), HasSubstr("/vms/0/kernel: required key is missing"));
}

TEST_F(ConfigTest, DuplicateVmNameIsRejected) {
  document_["vms"][1]["name"] = "gogcli";
  document_["vms"][1]["depends_on"] = nlohmann::json::array();
  EXPECT_THAT(error(), HasSubstr("/vms/1/name: duplicate VM name \"gogcli\" (already used at "
                                 "/vms/0/name)"));
}

TEST_F(ConfigTest, DuplicateTapIsRejected) {
  document_["vms"][1]["network"]["tap"] = "microvm-gog";
  EXPECT_THAT(error(), HasSubstr("/vms/1/network/tap: duplicate tap \"microvm-gog\""));
}

TEST_F(ConfigTest, DuplicateMacIsRejectedCaseInsensitively) {
  document_["vms"][1]["network"]["mac"] = "02:00:00:00:00:02";
  EXPECT_THAT(error(),
              HasSubstr("/vms/1/network/mac: duplicate MAC address \"02:00:00:00:00:02\""));
  document_["vms"][1]["network"]["mac"] = "02:00:00:00:00:0A";
  document_["vms"][0]["network"]["mac"] = "02:00:00:00:00:0a";
  EXPECT_THAT(error(), HasSubstr("duplicate MAC address \"02:00:00:00:00:0a\""));
}

TEST_F(ConfigTest, DuplicateIpIsRejected) {
  document_["vms"][1]["network"]["ip"] = "192.168.83.3";
  EXPECT_THAT(error(), HasSubstr("/vms/1/network/ip: duplicate IP address \"192.168.83.3\""));
}

TEST_F(ConfigTest, DuplicateVsockCidIsRejected) {
  document_["vms"][1]["vsock_cid"] = 4;
  EXPECT_THAT(error(), HasSubstr("/vms/1/vsock_cid: duplicate vsock CID \"4\""));
}

TEST_F(ConfigTest, VsockCidBelowThreeIsRejected) {
  document_["vms"][1]["vsock_cid"] = 2;
  EXPECT_THAT(error(), HasSubstr("/vms/1/vsock_cid: expected an integer from 3"));
}

TEST_F(ConfigTest, DependencyOnUnknownVm) {
  document_["vms"][1]["depends_on"] = {"gogcl"};
  EXPECT_THAT(error(), HasSubstr("/vms/1/depends_on/0: unknown VM \"gogcl\""));
}

TEST_F(ConfigTest, DependencyCycleIsRejectedWithItsPath) {
  document_["vms"][0]["depends_on"] = {"openclaw"};
  EXPECT_THAT(error(), HasSubstr("dependency cycle: gogcli -> openclaw -> gogcli"));
}

TEST_F(ConfigTest, SelfDependencyIsRejected) {
  document_["vms"][0]["depends_on"] = {"gogcli"};
  EXPECT_THAT(error(), HasSubstr("/vms/0/depends_on/0: VM \"gogcli\" cannot depend on itself"));
}

TEST_F(ConfigTest, IpOutsideBridgeSubnet) {
  document_["vms"][0]["network"]["ip"] = "192.168.84.3";
  EXPECT_THAT(error(), HasSubstr("/vms/0/network/ip: 192.168.84.3 is outside the bridge subnet "
                                 "192.168.83.0/24"));
}

TEST_F(ConfigTest, IpEqualToBridgeAddress) {
  document_["vms"][0]["network"]["ip"] = "192.168.83.1";
  EXPECT_THAT(error(), HasSubstr("/vms/0/network/ip: 192.168.83.1 is the bridge's own"));
}

TEST_F(ConfigTest, MissingKernelFile) {
  document_["vms"][1]["kernel"] = "images/bzImage";
  EXPECT_THAT(error(), HasSubstr("/vms/1/kernel: kernel \"" +
                                 (dir_.path() / "images/bzImage").string() + "\" does not exist"));
}

TEST_F(ConfigTest, KernelThatIsADirectory) {
  document_["vms"][1]["kernel"] = "images";
  EXPECT_THAT(error(), HasSubstr("is not a regular file"));
}

TEST_F(ConfigTest, MalformedAddressesNameWhatIsExpected) {
  document_["network"]["address"] = "192.168.83.1";
  document_["vms"][0]["network"]["mac"] = "02:00:00:00:00";
  document_["vms"][1]["network"]["ip"] = "192.168.083.2";
  auto message = error();
  EXPECT_THAT(message,
              HasSubstr("/network/address: expected an IPv4 interface address with prefix"));
  EXPECT_THAT(message, HasSubstr("/vms/0/network/mac: expected a MAC address"));
  EXPECT_THAT(message, HasSubstr("/vms/1/network/ip: expected an IPv4 address"));
}

TEST_F(ConfigTest, MulticastMacIsRejected) {
  document_["vms"][0]["network"]["mac"] = "03:00:00:00:00:02";
  EXPECT_THAT(error(), HasSubstr("/vms/0/network/mac: 03:00:00:00:00:02 is a multicast address"));
}

TEST_F(ConfigTest, FlowWithUnknownVm) {
  document_["network"]["flows"][0]["to"] = "mailer";
  EXPECT_THAT(error(), HasSubstr("/network/flows/0/to: unknown VM \"mailer\""));
}

TEST_F(ConfigTest, FlowWithBadProtoAndPort) {
  document_["network"]["flows"].push_back(
      {{"from", "openclaw"}, {"to", "gogcli"}, {"proto", "icmp"}, {"port", 0}});
  auto message = error();
  EXPECT_THAT(message, HasSubstr("/network/flows/1/proto: expected one of \"tcp\", \"udp\""));
  EXPECT_THAT(message, HasSubstr("/network/flows/1/port: expected an integer from 1 to 65535"));
}

TEST_F(ConfigTest, BadEnumNamesChoices) {
  document_["network"]["egress"]["mode"] = "block";
  EXPECT_THAT(error(),
              HasSubstr("/network/egress/mode: expected one of \"log\", \"allowlist\", got "
                        "\"block\""));
}

TEST_F(ConfigTest, TapNameTooLongForLinux) {
  document_["vms"][0]["network"]["tap"] = "a-very-long-tap-name";
  EXPECT_THAT(error(), HasSubstr("/vms/0/network/tap: \"a-very-long-tap-name\" is not a valid "
                                 "interface name"));
}

TEST_F(ConfigTest, InvalidVmName) {
  document_["vms"][0]["name"] = "Gog CLI";
  document_["vms"][1]["depends_on"] = nlohmann::json::array();
  document_["network"]["flows"] = nlohmann::json::array();
  EXPECT_THAT(error(), HasSubstr("/vms/0/name: \"Gog CLI\" is not a valid VM name"));
}

TEST_F(ConfigTest, EmptyVmListIsValid) {
  document_["vms"] = nlohmann::json::array();
  document_["network"]["flows"] = nlohmann::json::array();
  auto config = load();
  EXPECT_TRUE(config.ok()) << config.error().message;
}

TEST_F(ConfigTest, BadForwarder) {
  document_["dns"]["forwarders"] = {"1.1.1.1", "dns.google"};
  EXPECT_THAT(error(), HasSubstr("/dns/forwarders/1: expected an IPv4 address"));
}

TEST_F(ConfigTest, ForwarderWithPortIsAccepted) {
  document_["dns"]["forwarders"] = {"127.0.0.1@5353"};
  EXPECT_TRUE(load().ok());
}

TEST_F(ConfigTest, WrongVersion) {
  document_["version"] = 2;
  EXPECT_THAT(error(), HasSubstr("/version: expected an integer from 1 to 1, got 2"));
}

TEST_F(ConfigTest, AllProblemsAreReportedAtOnce) {
  document_["vms"][0]["vcpu"] = -1;
  document_["vms"][1]["memory_mib"] = true;
  auto message = error();
  EXPECT_THAT(message, HasSubstr("/vms/0/vcpu"));
  EXPECT_THAT(message, HasSubstr("/vms/1/memory_mib"));
}

TEST_F(ConfigTest, RootMustBeAnObject) {
  auto file = dir_.write("openclawd.json", "[1, 2]");
  auto result = load_config(file);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message,
              HasSubstr("openclawd.json: /: expected an object, got an array"));
}

TEST_F(ConfigTest, SyntaxErrorNamesLineAndColumn) {
  auto file = dir_.write("openclawd.json", "{\n  \"version\": 1,\n  \"vms\": [,]\n}\n");
  auto result = load_config(file);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("openclawd.json: not valid JSON at line 3"));
}

TEST_F(ConfigTest, NumberTooLargeForJsonIsAnErrorNotACrash) {
  auto file = dir_.write("openclawd.json", "{\"version\": 1e99999}");
  auto result = load_config(file);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("openclawd.json: not valid JSON"));
}

TEST_F(ConfigTest, MissingFileIsAClearError) {
  auto result = load_config(dir_ / "nope.json");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("nope.json: cannot read the config file"));
}

TEST_F(ConfigTest, JsonPointerEscapesSpecialKeys) {
  document_["network"]["a/b~c"] = 1;
  EXPECT_THAT(error(), HasSubstr("/network/a~1b~0c: unknown key"));
}

TEST_F(ConfigTest, SshKeyCopyMustNameAVmThatHasAnSshKey) {
  document_["vms"][1]["secrets"] = {{"ssh_key_copies", {{{"from_vm", "gogcli"}}}}};
  EXPECT_THAT(error(), HasSubstr("/vms/1/secrets/ssh_key_copies/0/from_vm: VM \"gogcli\" has no "
                                 "ssh_key to copy"));
  document_["vms"][0]["secrets"] = {{"ssh_key", {{"gate_command", "/usr/bin/openclawd-gate"}}}};
  EXPECT_TRUE(load().ok());
  document_["vms"][1]["secrets"]["ssh_key_copies"][0]["from_vm"] = "nobody";
  EXPECT_THAT(error(), HasSubstr("ssh_key_copies/0/from_vm: unknown VM \"nobody\""));
  document_["vms"][1]["secrets"]["ssh_key_copies"][0]["from_vm"] = "openclaw";
  EXPECT_THAT(error(), HasSubstr("a VM cannot copy its own SSH key"));
}

TEST_F(ConfigTest, EnvVariableFromASecretMustNameATokenOfTheVm) {
  document_["vms"][1]["secrets"] = {
      {"tokens", {{{"file", "gateway-token"}}}},
      {"env_file",
       {{"from_secrets", {{{"variable", "DEFENDER_API_TOKEN"}, {"secret", "defender-token"}}}}}}};
  EXPECT_THAT(error(), HasSubstr("/vms/1/secrets/env_file/from_secrets/0/secret: "
                                 "\"defender-token\" is not a token of VM \"openclaw\" (its "
                                 "tokens: gateway-token)"));
}

TEST_F(ConfigTest, TwoSecretsWritingOneFileAreRejected) {
  document_["vms"][1]["secrets"] = {
      {"tokens", {{{"file", "gateway-token"}}, {{"file", "gateway-token"}}}}};
  EXPECT_THAT(error(), HasSubstr("/vms/1/secrets/tokens/1/file: \"gateway-token\" is written by "
                                 "two secrets of VM \"openclaw\""));
}

TEST_F(ConfigTest, ResolvedConfigShowsEachVmsSecrets) {
  document_["vms"][1]["secrets"] = {{"tokens", {{{"file", "gateway-token"}, {"bytes", 48}}}}};
  auto config = load();
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto json = to_json(*config);
  EXPECT_EQ(json["vms"][1]["secrets"]["tokens"][0]["file"], "gateway-token");
  EXPECT_EQ(json["vms"][1]["secrets"]["tokens"][0]["bytes"], 48);
  EXPECT_TRUE(json["vms"][0]["secrets"]["tokens"].empty());
}

TEST(ExampleConfig, ReferenceDeploymentValidatesWhenGuestImagesExist) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "config");
  std::filesystem::copy_file(testing::source_dir() / "config/openclawd.example.json",
                             dir / "config/openclawd.example.json");
  dir.write("vms/images/vmlinuz", "k");
  dir.write("vms/images/initrd.img", "i");
  std::filesystem::create_directories(dir / "policies/defender");
  std::filesystem::copy_file(testing::source_dir() / "policies/defender/rules.json",
                             dir / "policies/defender/rules.json");
  auto config = load_config(dir / "config/openclawd.example.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->vms.size(), 2u);
  EXPECT_EQ(config->start_order(), (std::vector<std::string>{"gogcli", "openclaw"}));
  EXPECT_EQ(config->find_vm("openclaw")->memory_mib, 4096);
  EXPECT_EQ(config->find_vm("gogcli")->network.tap, "microvm-gog");
}

TEST(NetTypes, ParsersAreStrict) {
  EXPECT_TRUE(Ipv4Address::parse("10.0.0.1"));
  EXPECT_FALSE(Ipv4Address::parse("10.0.0"));
  EXPECT_FALSE(Ipv4Address::parse("10.0.0.256"));
  EXPECT_FALSE(Ipv4Address::parse("10.0.0.1 "));
  EXPECT_FALSE(Ipv4Address::parse("10..0.1"));
  EXPECT_FALSE(Ipv4Address::parse("010.0.0.1"));
  EXPECT_FALSE(Ipv4Interface::parse("10.0.0.1/33"));
  EXPECT_TRUE(MacAddress::parse("02:AB:cd:00:00:01"));
  EXPECT_FALSE(MacAddress::parse("02-ab-cd-00-00-01"));
  EXPECT_FALSE(Endpoint::parse("10.0.0.1:65536"));
  EXPECT_EQ(Endpoint::parse("10.0.0.1:53")->to_string(), "10.0.0.1:53");
  auto net = Ipv4Interface::parse("192.168.83.1/24");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(*Ipv4Address::parse("192.168.83.200")));
  EXPECT_FALSE(net->contains(*Ipv4Address::parse("192.168.84.2")));
  EXPECT_EQ(net->broadcast().to_string(), "192.168.83.255");
}

// /inference: a gateway the defender scans for, with a provider and a token.
class InferenceConfigTest : public ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    dir_.write("rules.json", "{}");
    document_["defender"] = {{"rules", "rules.json"}};
    document_["inference"] = {{"listen", "192.168.83.1:8788"},
                              {"providers",
                               {{{"name", "openrouter"},
                                 {"base_url", "https://openrouter.ai/api/v1"},
                                 {"api_key_file", "/etc/openclawd/secrets/openrouter-api-key"}}}}};
    document_["vms"][1]["secrets"] = {
        {"tokens", {{{"file", "inference-token"}, {"bytes", 32}, {"renew_on_boot", true}}}}};
  }
};

TEST_F(InferenceConfigTest, AGatewayWithAProviderAndAGuestTokenIsValid) {
  auto config = load();
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->inference.listen->to_string(), "192.168.83.1:8788");
  EXPECT_EQ(config->inference.providers.at(0).name, "openrouter");
  EXPECT_EQ(config->inference.log_file, "/var/log/openclawd/inference.jsonl");
  EXPECT_EQ(config->inference.user_message_source, "discord_message");
  const auto json = to_json(*config);
  EXPECT_EQ(json["inference"]["providers"][0]["base_url"], "https://openrouter.ai/api/v1");
  EXPECT_EQ(json["inference"]["max_concurrent_calls"], 16);
}

TEST_F(InferenceConfigTest, TheGatewayNeedsTheDefender) {
  document_.erase("defender");
  EXPECT_THAT(error(), HasSubstr("/inference: the inference gateway scans every model call"));
}

TEST_F(InferenceConfigTest, TheGatewayNeedsAProviderAndAClientToken) {
  document_["inference"]["providers"] = nlohmann::json::array();
  document_["vms"][1].erase("secrets");
  const auto message = error();
  EXPECT_THAT(message, HasSubstr("/inference/providers: the gateway has no provider"));
  EXPECT_THAT(message, HasSubstr("no client can authenticate"));
  document_["inference"]["providers"] = {
      {{"name", "local"}, {"base_url", "http://127.0.0.1:8000/v1"}, {"api_key_file", "key"}}};
  document_["inference"]["token_file"] = "token";
  EXPECT_TRUE(load().ok());
}

TEST_F(InferenceConfigTest, ProviderMistakesNameTheirPointer) {
  auto& providers = document_["inference"]["providers"];
  providers.push_back(
      {{"name", "openrouter"}, {"base_url", "https://x.example/v1"}, {"api_key_file", "k"}});
  providers.push_back(
      {{"name", "Bad Name"}, {"base_url", "https://x.example/v1"}, {"api_key_file", "k"}});
  providers.push_back(
      {{"name", "lan"}, {"base_url", "http://10.0.0.5:8000/v1"}, {"api_key_file", "k"}});
  providers.push_back({{"name", "ftp"}, {"base_url", "ftp://x.example"}, {"api_key_file", "k"}});
  providers.push_back({{"name", "nokey"}, {"base_url", "https://x.example"}});
  const auto message = error();
  EXPECT_THAT(message,
              HasSubstr("/inference/providers/1/name: \"openrouter\" is used by another provider"));
  EXPECT_THAT(message, HasSubstr("/inference/providers/2/name: expected 1 to 64 lower-case"));
  EXPECT_THAT(message, HasSubstr("/inference/providers/3/base_url: plain http:// would send the "
                                 "API key unencrypted to 10.0.0.5"));
  EXPECT_THAT(message, HasSubstr("/inference/providers/4/base_url: expected an https:// URL"));
  EXPECT_THAT(message, HasSubstr("/inference/providers/5/api_key_file: required key is missing"));
}

// Files are checked after the whole document parsed (validate_inference), so a
// missing CA bundle is reported on its own, by its pointer.
TEST_F(InferenceConfigTest, AMissingCaBundleNamesItsPointer) {
  document_["inference"]["providers"][0]["ca_file"] = "missing-ca.pem";
  EXPECT_THAT(error(), HasSubstr("/inference/providers/0/ca_file: CA bundle"));
}

TEST_F(InferenceConfigTest, PlainHttpToALanHostNeedsItsOptIn) {
  document_["inference"]["providers"][0]["base_url"] = "http://10.0.0.5:8000/v1";
  document_["inference"]["providers"][0]["insecure_http"] = true;
  EXPECT_TRUE(load().ok());
}

}  // namespace
}  // namespace openclawd::config

namespace openclawd::config {
namespace {

class ForwardingConfigTest : public ConfigTest {};

TEST_F(ForwardingConfigTest, ManageForwardingDefaultsToTrueAndRoundTrips) {
  auto config = load();
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->network.manage_forwarding);
  EXPECT_EQ(to_json(*config)["network"]["manage_forwarding"], true);
  document_["network"]["manage_forwarding"] = false;
  auto off = load();
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->network.manage_forwarding);
  EXPECT_EQ(to_json(*off)["network"]["manage_forwarding"], false);
}

TEST_F(ForwardingConfigTest, ManageForwardingMustBeABoolean) {
  document_["network"]["manage_forwarding"] = "yes";
  EXPECT_THAT(error(), HasSubstr("/network/manage_forwarding"));
}

TEST_F(ForwardingConfigTest, AnUplinkThatIsNoInterfaceNameIsRejected) {
  document_["network"]["uplink"] = "../../../etc";
  EXPECT_THAT(error(),
              HasSubstr("/network/uplink: \"../../../etc\" is not a valid interface name"));
}

}  // namespace
}  // namespace openclawd::config
