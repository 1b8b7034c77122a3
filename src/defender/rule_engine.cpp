// All rule patterns in one Vectorscan block-mode database: one linear-time pass
// over the whole text, whatever the number of rules, and no backtracking.
#include <hs/hs.h>

#include <algorithm>
#include <cstdint>

#include "openclawd/core/log.hpp"
#include "openclawd/defender/rules.hpp"
#include "rule_database_cache.hpp"

namespace openclawd::defender {

// Two databases of the same patterns: `detect` without start-of-match
// tracking and reporting each pattern once (the cheap pass every text gets),
// `locate` with leftmost start of match (run only on texts where `detect`
// found something, to get the spans). Benign text pays for one cheap pass.
struct RuleEngine::Database {
  hs_database_t* detect = nullptr;
  hs_database_t* locate = nullptr;
  std::string cache_note;  // how the databases were obtained, for the log and tests
  bool from_cache = false;

  ~Database() {
    if (detect) hs_free_database(detect);
    if (locate) hs_free_database(locate);
  }
};

namespace {

// Scratch space per thread: a scan on this thread reuses it, for any database
// (hs_alloc_scratch grows it to fit the ones it meets). Not shared, so no lock.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  const void* sized_for = nullptr;
  ~ThreadScratch() {
    if (scratch) hs_free_scratch(scratch);
  }
};

hs_scratch_t* scratch_for(const hs_database_t* database, bool force = false) {
  thread_local ThreadScratch local;
  if (force || local.sized_for != database) {
    if (hs_alloc_scratch(database, &local.scratch) != HS_SUCCESS) return nullptr;
    local.sized_for = database;
  }
  return local.scratch;
}

}  // namespace

namespace {

// Enough to sanitize and report; more matches of one rule add nothing.
constexpr std::size_t kMaxSpansPerRule = 64;

struct MatchCollector {
  const std::vector<std::size_t>* pattern_rule;
  const std::vector<unsigned char>* applies;  // per rule, for this scan's source
  std::vector<RuleMatch> matches;             // spans of every rule, merged per rule
  std::vector<std::int32_t> last_of_rule;     // index in `matches` of the rule's last span
  std::vector<std::uint32_t> count_of_rule;
};

int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int,
             void* context) {
  auto& collector = *static_cast<MatchCollector*>(context);
  const std::size_t rule = (*collector.pattern_rule)[id];
  if (!(*collector.applies)[rule]) return 0;
  const std::int32_t last = collector.last_of_rule[rule];
  if (last >= 0 && from <= collector.matches[static_cast<std::size_t>(last)].end) {
    auto& span = collector.matches[static_cast<std::size_t>(last)];
    span.begin = std::min<std::size_t>(span.begin, from);
    span.end = std::max<std::size_t>(span.end, to);
    return 0;
  }
  if (collector.count_of_rule[rule] < kMaxSpansPerRule) {
    collector.last_of_rule[rule] = static_cast<std::int32_t>(collector.matches.size());
    ++collector.count_of_rule[rule];
    collector.matches.push_back({rule, from, to});
  }
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

namespace {

struct Obtained {
  hs_database_t* database = nullptr;
  bool from_cache = false;
  std::string note;
};

// The database for `input`: from the cache when one fits, else compiled (and
// then cached). Compile errors name the rule and pattern.
Result<Obtained> obtain_database(const CompileInput& input, const std::filesystem::path& cache_dir,
                                 const RuleSet& rules,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& origin) {
  Obtained out;
  std::string key;
  if (!cache_dir.empty()) {
    key = database_cache_key(input);
    out.database = load_cached_database(cache_dir, key, out.note);
    if (out.database) {
      out.from_cache = true;
      out.note = "loaded from the cache in " + cache_dir.string();
      return out;
    }
  } else {
    out.note = "no cache directory";
  }
  std::vector<const char*> expressions;
  for (const auto& pattern : input.expressions) expressions.push_back(pattern.c_str());
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_multi(expressions.data(), input.flags.data(), input.ids.data(),
                       static_cast<unsigned int>(expressions.size()), HS_MODE_BLOCK, nullptr,
                       &out.database, &compile_error) != HS_SUCCESS) {
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
  if (!cache_dir.empty()) {
    const std::string stored = store_cached_database(cache_dir, key, out.database);
    if (stored.empty()) {
      out.note += "; compiled and cached in " + cache_dir.string();
    } else {
      // Only slower starts: the scan itself does not need the cache.
      out.note += "; compiled, not cached: " + stored;
      spdlog::warn("defender rules cache: {}", stored);
    }
  }
  return out;
}

}  // namespace

RuleEngine::~RuleEngine() = default;

Result<std::shared_ptr<const RuleEngine>> RuleEngine::compile(
    RuleSet rules, const Normalizer& normalizer, const std::filesystem::path& cache_dir) {
  std::shared_ptr<RuleEngine> engine(new RuleEngine());
  CompileInput input;
  input.rules_sha256 = rules.source_sha256;
  std::vector<std::pair<std::size_t, std::size_t>> origin;  // (rule, pattern) per expression
  for (std::size_t r = 0; r < rules.rules.size(); ++r) {
    for (std::size_t p = 0; p < rules.rules[r].patterns.size(); ++p) {
      input.expressions.push_back(normalizer.fold_pattern(rules.rules[r].patterns[p]));
      if (has_non_ascii_in_class(input.expressions.back())) {
        return make_error("rule \"" + rules.rules[r].id + "\" /patterns/" + std::to_string(p) +
                          ": a character class holds a non-ASCII character; write it as an "
                          "alternation such as (я|и) instead of [яи]");
      }
      // Signals and context markers only say whether they occur: no span, so
      // no start-of-match tracking (which Vectorscan cannot do for every
      // shape of pattern, and which costs).
      const bool presence_only = rules.rules[r].is_signal() || rules.rules[r].is_context();
      input.flags.push_back(HS_FLAG_CASELESS |
                            (presence_only ? HS_FLAG_SINGLEMATCH : HS_FLAG_SOM_LEFTMOST));
      input.ids.push_back(static_cast<unsigned int>(engine->pattern_rule_.size()));
      engine->pattern_rule_.push_back(r);
      origin.emplace_back(r, p);
    }
  }
  auto database = std::make_unique<Database>();
  CompileInput detect_input = input;
  for (auto& flag : detect_input.flags) flag = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
  auto locate = obtain_database(input, cache_dir, rules, origin);
  if (!locate) return locate.error();
  auto detect = obtain_database(detect_input, cache_dir, rules, origin);
  if (!detect) {
    hs_free_database(locate->database);
    return detect.error();
  }
  database->locate = locate->database;
  database->detect = detect->database;
  database->from_cache = locate->from_cache && detect->from_cache;
  database->cache_note = locate->note;
  if (!scratch_for(database->detect, true) || !scratch_for(database->locate, true)) {
    return make_error("cannot allocate Vectorscan scratch space (out of memory?)");
  }
  const std::size_t rule_count = rules.rules.size();
  engine->applies_.assign(kSources.size() + 1, std::vector<unsigned char>(rule_count, 1));
  for (std::size_t source = 0; source < kSources.size(); ++source) {
    for (std::size_t r = 0; r < rule_count; ++r) {
      const auto& sources = rules.rules[r].sources;
      engine->applies_[source][r] = sources.empty() || std::find(sources.begin(), sources.end(),
                                                                 kSources[source]) != sources.end();
    }
  }
  // The last row (an unknown source) holds the rules that apply everywhere.
  for (std::size_t r = 0; r < rule_count; ++r) {
    engine->applies_.back()[r] = rules.rules[r].sources.empty();
  }
  // Then the same rows for the detecting pass, holding only the rules whose
  // match calls for the locating pass: rules that raise findings on their own,
  // and the signals that other rules wait for (`when`). A text where only
  // context markers, other signals or rules waiting for an absent signal
  // match has no finding, and gets no second pass.
  std::vector<unsigned char> triggers(rule_count, 0);
  for (std::size_t r = 0; r < rule_count; ++r) {
    const Rule& rule = rules.rules[r];
    triggers[r] = !rule.is_signal() && !rule.is_context() && rule.when.empty();
    for (const auto& other : rules.rules) {
      if (rule.is_signal() &&
          std::find(other.when.begin(), other.when.end(), rule.signal) != other.when.end()) {
        triggers[r] = 1;
      }
    }
  }
  const std::size_t rows = engine->applies_.size();
  for (std::size_t row = 0; row < rows; ++row) {
    auto detect_row = engine->applies_[row];
    for (std::size_t r = 0; r < rule_count; ++r) detect_row[r] = detect_row[r] && triggers[r];
    engine->applies_.push_back(std::move(detect_row));
  }
  engine->rules_ = std::move(rules);
  engine->database_ = std::move(database);
  return std::shared_ptr<const RuleEngine>(std::move(engine));
}

bool RuleEngine::loaded_from_cache() const {
  return database_->from_cache;
}

const std::string& RuleEngine::cache_note() const {
  return database_->cache_note;
}

Result<std::vector<RuleMatch>> RuleEngine::match(std::string_view normalized_text,
                                                 std::string_view source) const {
  std::size_t source_row = kSources.size();
  for (std::size_t k = 0; k < kSources.size(); ++k) {
    if (kSources[k] == source) source_row = k;
  }
  // Per thread, reused: a scan allocates only its result.
  thread_local MatchCollector collector;
  collector.pattern_rule = &pattern_rule_;
  collector.applies = &applies_[source_row];
  collector.matches.clear();
  collector.last_of_rule.assign(rules_.rules.size(), -1);
  collector.count_of_rule.assign(rules_.rules.size(), 0);
  // The cheap pass: does any pattern of a rule that applies here match at all?
  struct Detected {
    const std::vector<std::size_t>* pattern_rule;
    const std::vector<unsigned char>* applies;
    bool any = false;
  } detected{&pattern_rule_, &applies_[source_row + kSources.size() + 1]};
  auto on_detect = [](unsigned int id, unsigned long long, unsigned long long, unsigned int,
                      void* context) -> int {
    auto& state = *static_cast<Detected*>(context);
    if (!(*state.applies)[(*state.pattern_rule)[id]]) return 0;
    state.any = true;
    return 1;  // one is enough: stop the scan
  };
  auto scan = [&](const hs_database_t* database, match_event_handler handler, void* context) {
    hs_scratch_t* scratch = scratch_for(database);
    if (!scratch) return HS_NOMEM;
    hs_error_t status =
        hs_scan(database, normalized_text.data(), static_cast<unsigned int>(normalized_text.size()),
                0, scratch, handler, context);
    if (status == HS_INVALID) {
      // The thread's scratch was sized for a database freed since, whose
      // address this one now has: size it for this one and scan again.
      scratch = scratch_for(database, true);
      if (!scratch) return HS_NOMEM;
      status =
          hs_scan(database, normalized_text.data(),
                  static_cast<unsigned int>(normalized_text.size()), 0, scratch, handler, context);
    }
    return status;
  };
  hs_error_t status = scan(database_->detect, on_detect, &detected);
  if (status == HS_SCAN_TERMINATED) status = HS_SUCCESS;
  if (status == HS_SUCCESS && detected.any) {
    status = scan(database_->locate, on_match, &collector);
  }
  if (status == HS_NOMEM) {
    return make_error("cannot allocate Vectorscan scratch space (out of memory?)");
  }
  if (status != HS_SUCCESS) {
    return make_error("Vectorscan scan failed with code " + std::to_string(status));
  }
  std::vector<RuleMatch> matches = collector.matches;
  std::stable_sort(matches.begin(), matches.end(), [](const RuleMatch& a, const RuleMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.rule_index < b.rule_index;
  });
  return matches;
}

}  // namespace openclawd::defender
