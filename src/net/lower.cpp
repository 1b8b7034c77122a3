#include "lower.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <memory>

namespace openclawd::net {
namespace {

// nft's datatype number for ipv4_addr; `nft list` uses it to print elements.
constexpr std::uint32_t kIpv4AddrType = 7;
constexpr std::size_t kElementsPerMessage = 1000;

template <typename T, void (*Free)(const T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using TablePtr = std::unique_ptr<nftnl_table, Deleter<nftnl_table, nftnl_table_free>>;
using ChainPtr = std::unique_ptr<nftnl_chain, Deleter<nftnl_chain, nftnl_chain_free>>;
using SetPtr = std::unique_ptr<nftnl_set, Deleter<nftnl_set, nftnl_set_free>>;
using RulePtr = std::unique_ptr<nftnl_rule, Deleter<nftnl_rule, nftnl_rule_free>>;

std::uint16_t family_number(Family f) {
  switch (f) {
    case Family::ip:
      return NFPROTO_IPV4;
    case Family::inet:
      return NFPROTO_INET;
    case Family::bridge:
      return NFPROTO_BRIDGE;
  }
  return NFPROTO_UNSPEC;
}

std::uint32_t hook_number(const std::string& hook) {
  if (hook == "prerouting") return NF_INET_PRE_ROUTING;
  if (hook == "input") return NF_INET_LOCAL_IN;
  if (hook == "forward") return NF_INET_FORWARD;
  if (hook == "output") return NF_INET_LOCAL_OUT;
  return NF_INET_POST_ROUTING;
}

std::uint32_t verdict_number(Verdict v) {
  return v == Verdict::drop ? NF_DROP : NF_ACCEPT;
}

std::string table_id(const Table& t) {
  return fmt::format("{} {}", to_string(t.family), t.name);
}

void add_table(NfnlBatch& batch, const Table& t, std::uint16_t type, std::uint16_t flags,
               std::string_view verb) {
  TablePtr table(nftnl_table_alloc());
  nftnl_table_set_str(table.get(), NFTNL_TABLE_NAME, t.name.c_str());
  nftnl_table_set_u32(table.get(), NFTNL_TABLE_FAMILY, family_number(t.family));
  auto* nlh = batch.add(type, family_number(t.family), flags,
                        fmt::format("{} table {}", verb, table_id(t)));
  nftnl_table_nlmsg_build_payload(nlh, table.get());
}

nftnl_expr* expr(const char* name) {
  return nftnl_expr_alloc(name);
}

void add_match(nftnl_rule* rule, const Match& m, const std::map<std::string, std::uint32_t>& ids) {
  nftnl_expr* load = nullptr;
  switch (m.load.source) {
    case Load::Source::meta:
      load = expr("meta");
      nftnl_expr_set_u32(load, NFTNL_EXPR_META_KEY, m.load.key);
      nftnl_expr_set_u32(load, NFTNL_EXPR_META_DREG, NFT_REG_1);
      break;
    case Load::Source::payload:
      load = expr("payload");
      nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
      nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_BASE, m.load.base);
      nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_OFFSET, m.load.offset);
      nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_LEN, m.load.length);
      break;
    case Load::Source::ct:
      load = expr("ct");
      nftnl_expr_set_u32(load, NFTNL_EXPR_CT_KEY, m.load.key);
      nftnl_expr_set_u32(load, NFTNL_EXPR_CT_DREG, NFT_REG_1);
      break;
  }
  nftnl_rule_add_expr(rule, load);
  if (!m.mask.empty()) {
    const std::vector<std::uint8_t> zero(m.mask.size(), 0);
    nftnl_expr* bitwise = expr("bitwise");
    nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
    nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
    nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_LEN, m.mask.size());
    nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_MASK, m.mask.data(), m.mask.size());
    nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_XOR, zero.data(), zero.size());
    nftnl_rule_add_expr(rule, bitwise);
  }
  if (m.op == Match::Op::lookup) {
    nftnl_expr* lookup = expr("lookup");
    nftnl_expr_set_u32(lookup, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
    nftnl_expr_set_str(lookup, NFTNL_EXPR_LOOKUP_SET, m.set_name.c_str());
    if (auto it = ids.find(m.set_name); it != ids.end()) {
      nftnl_expr_set_u32(lookup, NFTNL_EXPR_LOOKUP_SET_ID, it->second);
    }
    nftnl_rule_add_expr(rule, lookup);
    return;
  }
  nftnl_expr* cmp = expr("cmp");
  nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, m.op == Match::Op::eq ? NFT_CMP_EQ : NFT_CMP_NEQ);
  nftnl_expr_set(cmp, NFTNL_EXPR_CMP_DATA, m.value.data(), m.value.size());
  nftnl_rule_add_expr(rule, cmp);
}

void add_rule(NfnlBatch& batch, const Table& t, const Chain& c, std::size_t index, const Rule& r,
              const std::map<std::string, std::uint32_t>& ids) {
  RulePtr rule(nftnl_rule_alloc());
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_TABLE, t.name.c_str());
  nftnl_rule_set_str(rule.get(), NFTNL_RULE_CHAIN, c.name.c_str());
  nftnl_rule_set_u32(rule.get(), NFTNL_RULE_FAMILY, family_number(t.family));
  for (const auto& m : r.matches) add_match(rule.get(), m, ids);
  if (r.limit) {
    nftnl_expr* limit = expr("limit");
    nftnl_expr_set_u64(limit, NFTNL_EXPR_LIMIT_RATE, r.limit->per_second);
    nftnl_expr_set_u64(limit, NFTNL_EXPR_LIMIT_UNIT, 1);
    nftnl_expr_set_u32(limit, NFTNL_EXPR_LIMIT_BURST, r.limit->burst);
    nftnl_expr_set_u32(limit, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
    nftnl_expr_set_u32(limit, NFTNL_EXPR_LIMIT_FLAGS, 0);
    nftnl_rule_add_expr(rule.get(), limit);
  }
  if (r.log) {
    nftnl_expr* log = expr("log");
    nftnl_expr_set_str(log, NFTNL_EXPR_LOG_PREFIX, r.log->prefix.c_str());
    nftnl_expr_set_u16(log, NFTNL_EXPR_LOG_GROUP, r.log->group);
    nftnl_rule_add_expr(rule.get(), log);
  }
  if (r.masquerade) nftnl_rule_add_expr(rule.get(), expr("masq"));
  if (r.verdict != Verdict::none) {
    nftnl_expr* imm = expr("immediate");
    nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
    nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_VERDICT, verdict_number(r.verdict));
    nftnl_rule_add_expr(rule.get(), imm);
  }
  auto* nlh = batch.add(NFT_MSG_NEWRULE, family_number(t.family), NLM_F_CREATE | NLM_F_APPEND,
                        fmt::format("add rule {} {} #{}", table_id(t), c.name, index + 1));
  nftnl_rule_nlmsg_build_payload(nlh, rule.get());
}

SetPtr set_object(const std::string& name, std::uint16_t family) {
  SetPtr set(nftnl_set_alloc());
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, kTableName);
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, name.c_str());
  nftnl_set_set_u32(set.get(), NFTNL_SET_FAMILY, family);
  return set;
}

void add_elements(NfnlBatch& batch, std::uint16_t type, const std::string& set_name,
                  const std::vector<std::pair<Ipv4Address, std::chrono::milliseconds>>& elements) {
  for (std::size_t start = 0; start < elements.size(); start += kElementsPerMessage) {
    SetPtr set = set_object(set_name, NFPROTO_INET);
    const std::size_t end = std::min(elements.size(), start + kElementsPerMessage);
    for (std::size_t i = start; i < end; ++i) {
      nftnl_set_elem* e = nftnl_set_elem_alloc();
      const std::uint32_t key = htonl(elements[i].first.value);
      nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &key, sizeof key);
      if (type == NFT_MSG_NEWSETELEM) {
        nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT,
                               static_cast<std::uint64_t>(elements[i].second.count()));
      }
      nftnl_set_elem_add(set.get(), e);
    }
    auto* nlh = batch.add(type, NFPROTO_INET, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0,
                          fmt::format("{} {} element(s) of set inet {} {}",
                                      type == NFT_MSG_NEWSETELEM ? "add" : "delete", end - start,
                                      kTableName, set_name));
    nftnl_set_elems_nlmsg_build_payload(nlh, set.get());
  }
}

}  // namespace

void lower_replace(const Ruleset& ruleset, const std::vector<SetElements>& elements,
                   NfnlBatch& batch) {
  std::uint32_t next_set_id = 1;
  for (const auto& t : ruleset.tables) {
    const std::uint16_t family = family_number(t.family);
    add_table(batch, t, NFT_MSG_NEWTABLE, NLM_F_CREATE, "ensure");
    add_table(batch, t, NFT_MSG_DELTABLE, 0, "delete");
    add_table(batch, t, NFT_MSG_NEWTABLE, NLM_F_CREATE, "add");
    std::map<std::string, std::uint32_t> ids;
    for (const auto& s : t.sets) {
      SetPtr set = set_object(s.name, family);
      nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, t.name.c_str());
      nftnl_set_set_u32(set.get(), NFTNL_SET_KEY_TYPE, kIpv4AddrType);
      nftnl_set_set_u32(set.get(), NFTNL_SET_KEY_LEN, 4);
      nftnl_set_set_u32(set.get(), NFTNL_SET_FLAGS, NFT_SET_TIMEOUT);
      nftnl_set_set_u32(set.get(), NFTNL_SET_ID, next_set_id);
      ids[s.name] = next_set_id++;
      auto* nlh = batch.add(NFT_MSG_NEWSET, family, NLM_F_CREATE,
                            fmt::format("add set {} {}", table_id(t), s.name));
      nftnl_set_nlmsg_build_payload(nlh, set.get());
    }
    if (t.family == Family::inet && t.name == kTableName) {
      for (const auto& e : elements) {
        if (ids.count(e.set) && !e.elements.empty()) {
          add_elements(batch, NFT_MSG_NEWSETELEM, e.set, e.elements);
        }
      }
    }
    for (const auto& c : t.chains) {
      ChainPtr chain(nftnl_chain_alloc());
      nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TABLE, t.name.c_str());
      nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_NAME, c.name.c_str());
      nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_FAMILY, family);
      nftnl_chain_set_str(chain.get(), NFTNL_CHAIN_TYPE, c.type.c_str());
      nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_HOOKNUM, hook_number(c.hook));
      nftnl_chain_set_s32(chain.get(), NFTNL_CHAIN_PRIO, c.priority);
      nftnl_chain_set_u32(chain.get(), NFTNL_CHAIN_POLICY, verdict_number(c.policy));
      auto* nlh = batch.add(NFT_MSG_NEWCHAIN, family, NLM_F_CREATE,
                            fmt::format("add chain {} {}", table_id(t), c.name));
      nftnl_chain_nlmsg_build_payload(nlh, chain.get());
    }
    for (const auto& c : t.chains) {
      for (std::size_t i = 0; i < c.rules.size(); ++i) add_rule(batch, t, c, i, c.rules[i], ids);
    }
  }
}

void lower_set_elements(const SetElements& elements, NfnlBatch& batch) {
  add_elements(batch, NFT_MSG_NEWSETELEM, elements.set, elements.elements);
}

void lower_delete_set_elements(const std::string& set, const std::vector<Ipv4Address>& addresses,
                               NfnlBatch& batch) {
  std::vector<std::pair<Ipv4Address, std::chrono::milliseconds>> elements;
  for (auto a : addresses) elements.emplace_back(a, std::chrono::milliseconds(0));
  add_elements(batch, NFT_MSG_DELSETELEM, set, elements);
}

void lower_delete_tables(const Ruleset& ruleset, NfnlBatch& batch) {
  for (const auto& t : ruleset.tables) {
    add_table(batch, t, NFT_MSG_NEWTABLE, NLM_F_CREATE, "ensure");
    add_table(batch, t, NFT_MSG_DELTABLE, 0, "delete");
  }
}

}  // namespace openclawd::net
