#include "sections.hpp"

namespace openclawd::config {

void parse_secrets(ObjectReader& reader, const ParseContext& context, SecretsConfig& out) {
  reader.path("admin_dir", out.admin_dir, context.base_dir);
  reader.string("owner", out.owner, Need::optional, true);
  reader.string("group", out.group, Need::optional, true);
  reader.boolean("read_only_view", out.read_only_view);
}

namespace {

void parse_variables(ObjectReader& reader, std::string_view key, std::string_view source_key,
                     std::vector<EnvVariableConfig>& out) {
  reader.object_array(key, [&](ObjectReader& entry) {
    EnvVariableConfig variable;
    entry.string("variable", variable.variable, Need::required);
    entry.string(source_key, variable.source, Need::required, source_key == "value");
    out.push_back(std::move(variable));
  });
}

}  // namespace

void parse_vm_secrets(ObjectReader& reader, VmSecretsConfig& out) {
  reader.object_array("tokens", [&](ObjectReader& token) {
    TokenSecretConfig t;
    token.string("file", t.file, Need::required);
    token.integer("bytes", t.bytes, 16, 4096);
    token.boolean("renew_on_boot", t.renew_on_boot);
    out.tokens.push_back(std::move(t));
  });
  reader.object("ssh_key", [&](ObjectReader& key) {
    out.ssh_key.present = true;
    key.string("authorized_keys_file", out.ssh_key.authorized_keys_file);
    key.string("comment", out.ssh_key.comment, Need::optional, true);
    key.string("gate_command", out.ssh_key.gate_command, Need::required);
  });
  reader.object_array("ssh_key_copies", [&](ObjectReader& copy) {
    SshKeyCopySecretConfig c;
    copy.string("file", c.file);
    copy.string("from_vm", c.from_vm, Need::required);
    out.ssh_key_copies.push_back(std::move(c));
  });
  reader.object("env_file", [&](ObjectReader& env) {
    out.env_file.present = true;
    env.string("file", out.env_file.file);
    parse_variables(env, "from_admin_files", "admin_file", out.env_file.from_admin_files);
    parse_variables(env, "from_secrets", "secret", out.env_file.from_secrets);
    parse_variables(env, "fixed", "value", out.env_file.fixed);
  });
  reader.object_array("admin_files", [&](ObjectReader& file) {
    AdminFileSecretConfig f;
    file.string("file", f.file, Need::required);
    file.string("admin_file", f.admin_file);
    if (f.admin_file.empty()) f.admin_file = f.file;
    file.boolean("required", f.required);
    out.admin_files.push_back(std::move(f));
  });
}

}  // namespace openclawd::config
