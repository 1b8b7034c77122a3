#include "text_layout.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string>
#include <system_error>

namespace openclawd::cli {
namespace {

constexpr std::size_t kMinimumWidth = 40;
constexpr std::size_t kDefaultWidth = 80;

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string pad(std::string_view text, std::size_t width, bool right) {
  const std::size_t used = display_width(text);
  const std::string spaces(used < width ? width - used : 0, ' ');
  return right ? spaces + std::string(text) : std::string(text) + spaces;
}

// Removes trailing spaces (a left-aligned last column pads nothing useful).
std::string trim_right(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

std::string fit(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width <= 3) return std::string(width, '.');
  // Keep width - 3 code points, then "...".
  std::size_t kept = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    if (!is_continuation(text[end])) {
      if (kept == width - 3) break;
      ++kept;
    }
    ++end;
  }
  return std::string(text.substr(0, end)) + "...";
}

std::string wrap_items(std::string_view label, const std::vector<std::string>& items,
                       std::size_t width, std::size_t indent) {
  const std::string head =
      std::string(indent, ' ') + std::string(label) + (label.empty() ? "" : ": ");
  const std::size_t hang = std::min(display_width(head), width / 2);
  std::string out;
  std::string line = head;
  bool line_has_item = false;
  for (const auto& item : items) {
    const std::size_t needed = display_width(line) + (line_has_item ? 2 : 0) + display_width(item);
    if (line_has_item && needed > width) {
      out += trim_right(line) + "\n";
      line = std::string(hang, ' ');
      line_has_item = false;
    }
    if (line_has_item) line += "  ";
    line += item;
    line_has_item = true;
  }
  out += fit(trim_right(line), width) + "\n";
  return out;
}

std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto space = text.find(' ', start);
    const auto end = space == std::string_view::npos ? text.size() : space;
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  const std::string prefix(indent, ' ');
  std::string out;
  std::string line = prefix;
  bool line_has_word = false;
  for (const auto& word : words) {
    if (line_has_word && display_width(line) + 1 + display_width(word) > width) {
      out += line + "\n";
      line = prefix;
      line_has_word = false;
    }
    if (line_has_word) line += " ";
    line += word;
    line_has_word = true;
  }
  if (line_has_word) out += fit(line, width) + "\n";
  return out;
}

std::string render_table(const std::vector<TableColumn>& columns,
                         const std::vector<std::vector<std::string>>& rows, std::size_t width,
                         std::size_t indent) {
  std::vector<std::size_t> widths(columns.size(), 0);
  for (std::size_t i = 0; i < columns.size(); ++i) widths[i] = display_width(columns[i].header);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::vector<bool> shown(columns.size(), true);
  auto total = [&] {
    std::size_t sum = indent;
    bool first = true;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!shown[i]) continue;
      sum += widths[i] + (first ? 0 : 2);
      first = false;
    }
    return sum;
  };
  while (total() > width) {
    // The shown column (not the first) with the highest priority number, the
    // rightmost among equals.
    std::size_t drop = 0;
    for (std::size_t i = 1; i < columns.size(); ++i) {
      if (shown[i] && columns[i].priority > 0 &&
          (drop == 0 || columns[i].priority >= columns[drop].priority)) {
        drop = i;
      }
    }
    if (drop == 0) break;  // only essential columns left: cut the lines instead
    shown[drop] = false;
  }
  auto line_of = [&](auto cell_text) {
    std::string line(indent, ' ');
    bool first = true;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!shown[i]) continue;
      if (!first) line += "  ";
      line += pad(cell_text(i), widths[i], columns[i].right_aligned);
      first = false;
    }
    return fit(trim_right(line), width) + "\n";
  };
  std::string out = line_of([&](std::size_t i) { return std::string_view(columns[i].header); });
  for (const auto& row : rows) {
    out += line_of([&](std::size_t i) {
      return i < row.size() ? std::string_view(row[i]) : std::string_view("");
    });
  }
  return out;
}

std::size_t output_width() {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && *columns != '\0') {
    std::size_t value = 0;
    const char* end = columns + std::char_traits<char>::length(columns);
    const auto [ptr, ec] = std::from_chars(columns, end, value);
    if (ec == std::errc() && ptr == end && value > 0) return std::max(value, kMinimumWidth);
  }
  struct winsize size {};
  if (::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0) {
    return std::max<std::size_t>(size.ws_col, kMinimumWidth);
  }
  return kDefaultWidth;
}

}  // namespace openclawd::cli
