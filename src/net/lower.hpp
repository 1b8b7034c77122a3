#pragma once
// Ruleset -> libnftnl messages in an NfnlBatch.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "nfnl_batch.hpp"
#include "openclawd/net/ruleset.hpp"

namespace openclawd::net {

// Elements to (re)insert into a set, with the time each has left.
struct SetElements {
  std::string set;
  std::vector<std::pair<Ipv4Address, std::chrono::milliseconds>> elements;
};

// Adds "replace table" for every table of `ruleset`: create-if-missing, delete,
// create with all sets, chains and rules, then `elements` (inet table sets).
void lower_replace(const Ruleset& ruleset, const std::vector<SetElements>& elements,
                   NfnlBatch& batch);

// Adds the insertion of `elements` into `inet openclawd`.
void lower_set_elements(const SetElements& elements, NfnlBatch& batch);
// Adds the deletion of `addresses` from `inet openclawd`'s `set`.
void lower_delete_set_elements(const std::string& set, const std::vector<Ipv4Address>& addresses,
                               NfnlBatch& batch);

// Adds the deletion of the tables of `ruleset` that exist (create-if-missing
// first, so deleting is never an error).
void lower_delete_tables(const Ruleset& ruleset, NfnlBatch& batch);

}  // namespace openclawd::net
