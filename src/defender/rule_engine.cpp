// All rule patterns in one Vectorscan block-mode database: one linear-time pass
// over the whole text, whatever the number of rules, and no backtracking.
#include <hs/hs.h>

#include <algorithm>
#include <mutex>

#include "openclawd/defender/rules.hpp"

namespace openclawd::defender {

struct RuleEngine::Database {
  hs_database_t* database = nullptr;
  hs_scratch_t* prototype = nullptr;
  std::mutex pool_mutex;
  std::vector<hs_scratch_t*> pool;  // idle scratch spaces, one per concurrent scan

  ~Database() {
    for (auto* scratch : pool) hs_free_scratch(scratch);
    if (prototype) hs_free_scratch(prototype);
    if (database) hs_free_database(database);
  }

  hs_scratch_t* acquire() {
    {
      std::lock_guard lock(pool_mutex);
      if (!pool.empty()) {
        auto* scratch = pool.back();
        pool.pop_back();
        return scratch;
      }
    }
    hs_scratch_t* scratch = nullptr;
    if (hs_clone_scratch(prototype, &scratch) != HS_SUCCESS) return nullptr;
    return scratch;
  }

  void release(hs_scratch_t* scratch) {
    std::lock_guard lock(pool_mutex);
    pool.push_back(scratch);
  }
};

namespace {

// Enough to sanitize and report; more matches of one rule add nothing.
constexpr std::size_t kMaxSpansPerRule = 64;

struct MatchCollector {
  const std::vector<std::size_t>* pattern_rule;
  const std::vector<bool>* applies;
  std::vector<std::vector<RuleMatch>> per_rule;
};

int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int,
             void* context) {
  auto& collector = *static_cast<MatchCollector*>(context);
  const std::size_t rule = (*collector.pattern_rule)[id];
  if (!(*collector.applies)[rule]) return 0;
  auto& spans = collector.per_rule[rule];
  if (!spans.empty() && from <= spans.back().end) {
    spans.back().begin = std::min<std::size_t>(spans.back().begin, from);
    spans.back().end = std::max<std::size_t>(spans.back().end, to);
    return 0;
  }
  if (spans.size() < kMaxSpansPerRule) spans.push_back({rule, from, to});
  return 0;
}

// Patterns are matched byte-wise (the text is already case-folded and
// normalized), so a character class can only hold single-byte characters.
bool has_non_ascii_in_class(std::string_view pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;
    } else if (in_class && c == ']') {
      in_class = false;
    } else if (in_class && static_cast<unsigned char>(c) >= 0x80) {
      return true;
    }
  }
  return false;
}

}  // namespace

RuleEngine::~RuleEngine() = default;

Result<std::shared_ptr<const RuleEngine>> RuleEngine::compile(RuleSet rules,
                                                              const Normalizer& normalizer) {
  std::shared_ptr<RuleEngine> engine(new RuleEngine());
  std::vector<std::string> folded;
  std::vector<unsigned int> flags, ids;
  std::vector<std::pair<std::size_t, std::size_t>> origin;  // (rule, pattern) per expression
  for (std::size_t r = 0; r < rules.rules.size(); ++r) {
    for (std::size_t p = 0; p < rules.rules[r].patterns.size(); ++p) {
      folded.push_back(normalizer.fold_pattern(rules.rules[r].patterns[p]));
      if (has_non_ascii_in_class(folded.back())) {
        return make_error("rule \"" + rules.rules[r].id + "\" /patterns/" + std::to_string(p) +
                          ": a character class holds a non-ASCII character; write it as an "
                          "alternation such as (я|и) instead of [яи]");
      }
      flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST);
      ids.push_back(static_cast<unsigned int>(engine->pattern_rule_.size()));
      engine->pattern_rule_.push_back(r);
      origin.emplace_back(r, p);
    }
  }
  std::vector<const char*> expressions;
  for (const auto& pattern : folded) expressions.push_back(pattern.c_str());
  auto database = std::make_unique<Database>();
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned int>(expressions.size()), HS_MODE_BLOCK, nullptr,
                       &database->database, &compile_error) != HS_SUCCESS) {
    std::string message = compile_error ? compile_error->message : "unknown error";
    const int expression = compile_error ? compile_error->expression : -1;
    hs_free_compile_error(compile_error);
    if (expression >= 0 && static_cast<std::size_t>(expression) < origin.size()) {
      const auto [r, p] = origin[static_cast<std::size_t>(expression)];
      return make_error("rule \"" + rules.rules[r].id + "\" pattern " + std::to_string(p) +
                        " (/patterns/" + std::to_string(p) + ") does not compile: " + message +
                        "; fix the regular expression");
    }
    return make_error("defender rules do not compile: " + message);
  }
  if (hs_alloc_scratch(database->database, &database->prototype) != HS_SUCCESS) {
    return make_error("cannot allocate Vectorscan scratch space (out of memory?)");
  }
  engine->rules_ = std::move(rules);
  engine->database_ = std::move(database);
  return std::shared_ptr<const RuleEngine>(std::move(engine));
}

Result<std::vector<RuleMatch>> RuleEngine::match(std::string_view normalized_text,
                                                 std::string_view source) const {
  std::vector<bool> applies(rules_.rules.size());
  for (std::size_t r = 0; r < rules_.rules.size(); ++r) {
    const auto& sources = rules_.rules[r].sources;
    applies[r] =
        sources.empty() || std::find(sources.begin(), sources.end(), source) != sources.end();
  }
  MatchCollector collector{&pattern_rule_, &applies, {}};
  collector.per_rule.resize(rules_.rules.size());
  hs_scratch_t* scratch = database_->acquire();
  if (!scratch) return make_error("cannot allocate Vectorscan scratch space (out of memory?)");
  const hs_error_t status =
      hs_scan(database_->database, normalized_text.data(),
              static_cast<unsigned int>(normalized_text.size()), 0, scratch, on_match, &collector);
  database_->release(scratch);
  if (status != HS_SUCCESS) {
    return make_error("Vectorscan scan failed with code " + std::to_string(status));
  }
  std::vector<RuleMatch> matches;
  for (auto& spans : collector.per_rule) matches.insert(matches.end(), spans.begin(), spans.end());
  std::sort(matches.begin(), matches.end(), [](const RuleMatch& a, const RuleMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.rule_index < b.rule_index;
  });
  return matches;
}

}  // namespace openclawd::defender
