// Walks gog's argv once, left to right, classifying every word as Kong would:
// a command word, a flag (with its value), or a positional. The flags in scope
// are the global ones plus those of the verb once its word has been read, as
// in Kong, where a flag is looked up among the commands already on the path.
#include "openclawd/gate/argv_reader.hpp"

#include <algorithm>
#include <cctype>

namespace openclawd::gate {
namespace {

// A bounded, printable rendering of agent-controlled text for reasons.
std::string shown(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 48)) {
    out.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? static_cast<char>(c) : '?');
  }
  if (text.size() > 48) out += "...";
  return out;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Kong's bool mapper takes these (case-insensitive) after '='.
bool is_bool_literal(std::string_view value) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "true" || lower == "1" || lower == "yes" || lower == "false" || lower == "0" ||
         lower == "no";
}

// Kong takes a separate word as a flag's value only if it does not look like
// a flag itself: "-" is a value, "-x" and "--x" are not.
bool is_separate_value(std::string_view word) {
  return word == "-" || word.empty() || word[0] != '-';
}

// For slice and map flags Kong also checks each ','-separated part of a
// separate word; the gate refuses any part that starts with '-' (it does not
// model Kong's backslash escapes, so it may refuse more, never less).
bool parts_are_values(std::string_view word) {
  std::size_t start = 0;
  while (true) {
    const auto comma = word.find(',', start);
    const auto part = word.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (!is_separate_value(part)) return false;
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

std::string flag_list(const std::vector<const FlagSpec*>& flags) {
  std::string out;
  for (const auto* f : flags) out += (out.empty() ? "--" : ", --") + f->name;
  return out.empty() ? "none" : out;
}

class Reader {
 public:
  Reader(const Policy& policy, const std::vector<std::string>& args)
      : policy_(policy), args_(args), node_(&policy.root) {
    for (const auto& f : policy.global_flags) scope_.push_back(&f);
  }

  ArgvReading run() {
    bool flags_ended = false;
    for (i_ = 0; i_ < args_.size(); ++i_) {
      const std::string& word = args_[i_];
      if (flags_ended) {
        if (!positional(word)) return std::move(out_);
      } else if (word == "--") {
        flags_ended = true;
      } else if (word.rfind("--", 0) == 0) {
        if (!long_flag(word)) return std::move(out_);
      } else if (word.size() > 1 && word[0] == '-') {
        if (!short_flags(word)) return std::move(out_);
      } else if (!positional(word)) {
        return std::move(out_);
      }
    }
    if (!node_->is_verb()) {
      fail("", out_.path.empty()
                   ? "no command given (expected e.g. `gog calendar events`)"
                   : "\"" + joined(out_.path) + "\" is not a verb; allowed: " + children_list());
      return std::move(out_);
    }
    out_.ok = true;
    out_.verb = node_;
    return std::move(out_);
  }

 private:
  bool fail(std::string flag, std::string reason) {
    out_.ok = false;
    out_.refused_flag = flag.substr(0, 64);  // agent-controlled: bounded for the log
    out_.reason = std::move(reason);
    return false;
  }

  std::string where() const {
    return out_.path.empty() ? std::string("before the command")
                             : "for \"" + joined(out_.path) + "\"";
  }

  std::string children_list() const {
    std::string out;
    for (const auto& c : node_->children) {
      out +=
          (out.empty() ? "" : ", ") + (out_.path.empty() ? "" : joined(out_.path) + " ") + c.name;
    }
    return out;
  }

  bool positional(const std::string& word) {
    if (node_->is_verb()) {
      out_.positionals.push_back(word);
      return true;
    }
    const CommandNode* next = node_->child(word);
    if (next == nullptr) {
      const std::string what = out_.path.empty() ? "command \"" + shown(word) + "\" is not allowed"
                                                 : "\"" + joined(out_.path) + " " + shown(word) +
                                                       "\" is not an allowed verb";
      return fail("", what + "; allowed: " + children_list());
    }
    node_ = next;
    out_.path.push_back(next->name);
    for (const auto& f : next->flags) scope_.push_back(&f);
    return true;
  }

  const FlagSpec* find_long(std::string_view spelling) const {
    for (const auto* f : scope_) {
      if (f->has_long(spelling)) return f;
    }
    return nullptr;
  }
  const FlagSpec* find_short(char letter) const {
    for (const auto* f : scope_) {
      if (f->has_short(letter)) return f;
    }
    return nullptr;
  }
  bool is_global(const FlagSpec* flag) const {
    return flag >= policy_.global_flags.data() &&
           flag < policy_.global_flags.data() + policy_.global_flags.size();
  }

  bool unknown(const std::string& spelling) {
    return fail(spelling, "flag " + shown(spelling) + " is not allowed " + where() +
                              " (allowed: " + flag_list(scope_) + ")");
  }

  // The value in the next word, for a flag written without one.
  bool next_word_value(const FlagSpec& flag, const std::string& spelling, FlagUse& use) {
    if (i_ + 1 >= args_.size()) return fail(spelling, "flag " + spelling + " needs a value");
    const std::string& next = args_[i_ + 1];
    if (!is_separate_value(next) || (flag.splits_value() && !parts_are_values(next))) {
      return fail(spelling, "flag " + spelling +
                                " is followed by a word starting with '-', which gog does not "
                                "take as its value (write " +
                                spelling + "=VALUE)");
    }
    use.value = next;
    ++i_;
    return true;
  }

  bool record(const FlagSpec& flag, FlagUse use) {
    if (use.value && flag.takes_value) {
      if (auto why = flag.value_refusal(*use.value); !why.empty()) {
        return fail(use.spelling, "flag " + use.spelling + " " + where() + ": " + why);
      }
    }
    use.name = flag.name;
    use.global = is_global(&flag);
    out_.flags.push_back(std::move(use));
    return true;
  }

  bool long_flag(const std::string& word) {
    if (word == "--fields" || word.rfind("--fields=", 0) == 0) {
      return fail("--fields",
                  "gog rewrites --fields to --select or keeps it depending on the command; "
                  "write --select (or the command's own flag) instead");
    }
    const std::string body = word.substr(2);
    const auto eq = body.find('=');
    const std::string name = body.substr(0, eq);
    const std::string spelling = "--" + name;
    const FlagSpec* flag = find_long(name);
    if (flag == nullptr) return unknown(spelling);
    FlagUse use;
    use.spelling = spelling;
    use.negated = flag->negatable && name != flag->name && name == "no-" + flag->name;
    if (eq != std::string::npos) use.value = body.substr(eq + 1);
    if (flag->takes_value) {
      if (!use.value && !next_word_value(*flag, spelling, use)) return false;
    } else if (use.value && !is_bool_literal(*use.value)) {
      return fail(spelling, "flag " + spelling +
                                " is a boolean: after '=' gog takes only true, false, 1, 0, "
                                "yes or no");
    }
    return record(*flag, std::move(use));
  }

  // -abc: each letter a flag until one takes a value, which is then the rest
  // of the word (even "=x" or "-x") or, when nothing is left, the next word.
  bool short_flags(const std::string& word) {
    for (std::size_t j = 1; j < word.size(); ++j) {
      const std::string spelling = std::string("-") + word[j];
      const FlagSpec* flag = find_short(word[j]);
      if (flag == nullptr) return unknown(spelling);
      FlagUse use;
      use.spelling = spelling;
      if (flag->takes_value) {
        if (j + 1 < word.size()) {
          use.value = word.substr(j + 1);
        } else if (!next_word_value(*flag, spelling, use)) {
          return false;
        }
        return record(*flag, std::move(use));
      }
      if (!record(*flag, std::move(use))) return false;
    }
    return true;
  }

  const Policy& policy_;
  const std::vector<std::string>& args_;
  const CommandNode* node_;
  std::vector<const FlagSpec*> scope_;
  std::size_t i_ = 0;
  ArgvReading out_;
};

}  // namespace

ArgvReading read_gog_argv(const Policy& policy, const std::vector<std::string>& args) {
  return Reader(policy, args).run();
}

}  // namespace openclawd::gate
