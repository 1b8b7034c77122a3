#include "openclawd/gate/command_splitter.hpp"

#include <string>

namespace openclawd::gate {
namespace {

Error at(std::size_t index, std::string_view what) {
  return make_error("column " + std::to_string(index + 1) + ": " + std::string(what) +
                    "; the gate runs one gog command without a shell (quote the character if "
                    "it belongs to an argument)");
}

// Why an unquoted character is refused, or nullptr when it is an ordinary one.
const char* unquoted_refusal(char c, bool at_word_start) {
  switch (c) {
    case ';':
      return "unquoted ';' separates shell commands";
    case '&':
      return "unquoted '&' runs shell commands in the background or chains them";
    case '|':
      return "unquoted '|' is a shell pipe";
    case '<':
    case '>':
      return "unquoted redirection";
    case '(':
    case ')':
      return "unquoted parenthesis starts a subshell";
    case '$':
      return "unquoted '$' is a shell expansion";
    case '`':
      return "unquoted backtick is a command substitution";
    case '*':
    case '?':
    case '[':
      return "unquoted glob character";
    case '{':
    case '}':
      return "unquoted brace is shell grouping or brace expansion";
    case '\n':
    case '\r':
      return "unquoted line break separates shell commands";
    default:
      break;
  }
  if (at_word_start && c == '#') return "unquoted '#' starts a shell comment";
  if (at_word_start && c == '~') return "unquoted '~' is a tilde expansion";
  return nullptr;
}

}  // namespace

Result<std::vector<std::string>> split_command(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // distinguishes an empty quoted word ('') from no word
  std::size_t i = 0;
  while (i < command.size()) {
    const char c = command[i];
    if (c == '\0') return at(i, "NUL byte cannot be part of an argument");
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
      continue;
    }
    if (c == '\'') {
      const auto close = command.find('\'', i + 1);
      if (close == std::string_view::npos) return at(i, "single quote is never closed");
      const auto literal = command.substr(i + 1, close - i - 1);
      if (literal.find('\0') != std::string_view::npos) {
        return at(i, "NUL byte cannot be part of an argument");
      }
      word.append(literal);
      in_word = true;
      i = close + 1;
      continue;
    }
    if (c == '"') {
      const std::size_t open = i++;
      bool closed = false;
      while (i < command.size()) {
        const char d = command[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\0') return at(i, "NUL byte cannot be part of an argument");
        if (d == '$')
          return at(i, "'$' inside double quotes is a shell expansion (use single quotes)");
        if (d == '`') return at(i, "backtick inside double quotes is a command substitution");
        if (d == '\\' && i + 1 < command.size()) {
          const char next = command[i + 1];
          if (next == '\n') {  // line continuation: both characters vanish
            i += 2;
            continue;
          }
          if (next == '$' || next == '`' || next == '"' || next == '\\') {
            word.push_back(next);
            i += 2;
            continue;
          }
        }
        word.push_back(d);  // inside double quotes a lone backslash is literal
        ++i;
      }
      if (!closed) return at(open, "double quote is never closed");
      in_word = true;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= command.size()) return at(i, "backslash at the end escapes nothing");
      const char next = command[i + 1];
      if (next == '\0') return at(i + 1, "NUL byte cannot be part of an argument");
      if (next != '\n') {  // backslash-newline is a line continuation
        word.push_back(next);
        in_word = true;
      }
      i += 2;
      continue;
    }
    if (const char* refusal = unquoted_refusal(c, !in_word)) return at(i, refusal);
    word.push_back(c);
    in_word = true;
    ++i;
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace openclawd::gate
