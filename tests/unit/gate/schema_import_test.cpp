// `gog schema` → policy, against tests/fixtures/gate/gog-schema.json (written
// by hand from gog's source in the exact shape of its schema command, since
// gog cannot be built here: see docs/gate.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/temp_dir.hpp"
#include "openclawd/gate/argv_reader.hpp"
#include "openclawd/gate/gog_schema_import.hpp"
#include "openclawd/gate/policy.hpp"

namespace openclawd::gate {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

std::string fixture() {
  return openclawd::testing::read_file(openclawd::testing::source_dir() /
                                       "tests/fixtures/gate/gog-schema.json");
}

SchemaImport imported(const SchemaImportOptions& options = {}) {
  auto result = import_gog_schema(fixture(), options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? *result : SchemaImport{};
}

TEST(GogSchemaImport, EveryLeafIsAVerbWithItsFlags) {
  const auto out = imported();
  const auto policy = json::parse(out.policy_json);
  const auto& commands = policy.at("commands");
  EXPECT_EQ(commands.at("gmail search").at("class"), "read");
  EXPECT_EQ(commands.at("gmail send").at("class"), "write");
  EXPECT_EQ(commands.at("gmail drafts create").at("class"), "write");
  EXPECT_EQ(commands.at("sheets metadata").at("class"), "read");
  EXPECT_EQ(commands.at("auth add").at("class"), "write");
  EXPECT_EQ(commands.at("gmail").at("aliases"), json({"email", "mail"}));
  // Only the verb's own flags: the globals repeated in every node are not.
  const auto& search = commands.at("gmail search").at("flags");
  EXPECT_FALSE(search.contains("json"));
  EXPECT_FALSE(search.contains("account"));
  EXPECT_EQ(search.at("max").at("aliases"), json({"limit"}));
  EXPECT_EQ(search.at("max").at("takes_value"), true);
  EXPECT_EQ(search.at("max").at("pattern"), "-?[0-9]+");
  EXPECT_EQ(search.at("timezone").at("short"), "z");
  EXPECT_EQ(search.at("all").at("takes_value"), false);
  EXPECT_EQ(search.at("all").at("aliases"), json({"all-pages", "allpages"}));
  EXPECT_EQ(commands.at("gmail send").at("flags").at("attach").at("type"), "[]string");
  EXPECT_GT(out.read_verbs, 8u);
  EXPECT_GT(out.write_verbs, 5u);
  // The admin trims what the importer writes; it must load as it is.
  auto loaded = parse_policy(out.policy_json, "imported");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE(loaded->allow_write);
}

TEST(GogSchemaImport, OnlySafeGlobalFlagsAreKept) {
  const auto out = imported();
  const auto globals = json::parse(out.policy_json).at("global_flags");
  for (const char* kept : {"json", "plain", "select", "dry-run", "no-input", "help"}) {
    EXPECT_TRUE(globals.contains(kept)) << kept;
  }
  for (const char* left : {"account", "home", "client", "access-token", "enable-commands",
                           "enable-commands-exact", "disable-commands", "force", "verbose"}) {
    EXPECT_FALSE(globals.contains(left)) << left;
    EXPECT_THAT(out.notes, Contains(HasSubstr("left out --" + std::string(left))));
  }
  EXPECT_EQ(globals.at("json").at("short"), "j");
  EXPECT_EQ(globals.at("help").at("takes_value"), false);  // kong.helpFlag is a boolean
}

TEST(GogSchemaImport, OnlyKeepsTheNamedPaths) {
  SchemaImportOptions options;
  options.only = {"gmail messages search", "calendar"};
  const auto out = imported(options);
  const auto commands = json::parse(out.policy_json).at("commands");
  EXPECT_TRUE(commands.contains("gmail messages search"));
  EXPECT_TRUE(commands.contains("gmail messages"));  // its group, for the aliases
  EXPECT_TRUE(commands.contains("calendar events"));
  EXPECT_FALSE(commands.contains("gmail search"));
  EXPECT_FALSE(commands.contains("auth add"));

  options.only = {"gmail nope"};
  auto none = import_gog_schema(fixture(), options);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("--only \"gmail nope\" matched no command"));
}

TEST(GogSchemaImport, FlagsOfUnknownArityAreLeftOutNotGuessed) {
  auto schema = json::parse(fixture());
  auto& flags = schema["command"]["subcommands"][0]["subcommands"][0]["flags"];  // auth add
  flags.push_back({{"name", "mode"}, {"type", "custom.Mode"}});
  auto result = import_gog_schema(schema.dump(), {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(json::parse(result->policy_json)["commands"]["auth add"]["flags"].contains("mode"));
  EXPECT_THAT(result->notes, Contains(HasSubstr("cannot tell from its type \"custom.Mode\"")));
}

TEST(GogSchemaImport, BadSchemasAreErrorsNamingWhere) {
  EXPECT_THAT(import_gog_schema("{", {}).error().message, HasSubstr("not valid JSON"));
  EXPECT_THAT(import_gog_schema(R"({"schema_version": 2})", {}).error().message,
              HasSubstr("/schema_version"));
  EXPECT_THAT(import_gog_schema(R"({"schema_version": 1, "command": {"type": "command"}})", {})
                  .error()
                  .message,
              HasSubstr("/command"));
  EXPECT_THAT(import_gog_schema(R"({"schema_version": 1, "command": {"type": "application",
      "subcommands": [{"name": "a", "flags": 3}]}})",
                                {})
                  .error()
                  .message,
              HasSubstr("gog schema"));
}

// The shipped policy is a trimmed import: every flag it allows exists in gog
// with the same arity, aliases and short, so the gate reads it as gog does.
TEST(GogSchemaImport, ShippedPolicyIsATrimmedImportOfTheSchema) {
  const auto full = json::parse(imported().policy_json);
  const auto shipped = json::parse(
      openclawd::testing::read_file(openclawd::testing::source_dir() / "policies/gogcli.json"));
  auto same_spelling = [](const json& ours, const json& gogs, const std::string& where) {
    EXPECT_EQ(ours.at("takes_value"), gogs.at("takes_value")) << where;
    EXPECT_EQ(ours.value("short", ""), gogs.value("short", "")) << where;
    EXPECT_EQ(ours.value("aliases", json::array()), gogs.value("aliases", json::array())) << where;
  };
  for (const auto& [name, spec] : shipped.at("global_flags").items()) {
    ASSERT_TRUE(full.at("global_flags").contains(name)) << name;
    same_spelling(spec, full.at("global_flags").at(name), "global " + name);
  }
  for (const auto& [path, spec] : shipped.at("commands").items()) {
    ASSERT_TRUE(full.at("commands").contains(path)) << path;
    const auto& gogs = full.at("commands").at(path);
    EXPECT_EQ(spec.value("aliases", json::array()), gogs.value("aliases", json::array())) << path;
    if (spec.contains("class")) {
      EXPECT_EQ(spec.at("class"), gogs.at("class")) << path;
    }
    const json flags = spec.value("flags", json::object());  // items() needs a named object
    for (const auto& [flag, fspec] : flags.items()) {
      ASSERT_TRUE(gogs.at("flags").contains(flag)) << path << " --" << flag;
      same_spelling(fspec, gogs.at("flags").at(flag), path + " --" + flag);
    }
  }
}

}  // namespace
}  // namespace openclawd::gate
