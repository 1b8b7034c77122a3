#pragma once
// Width-aware building blocks for the CLI's human output: no line they make is
// wider than the width asked for. Widths count UTF-8 code points (names and
// messages may carry non-ASCII text; everything this CLI prints itself is ASCII).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace openclawd::cli {

// Columns `text` takes on a terminal (code points; no wide-character tables).
std::size_t display_width(std::string_view text);

// `text` cut to `width` columns, ending in "..." when something was cut.
std::string fit(std::string_view text, std::size_t width);

// "label: item  item  item", wrapped at `width`; continuation lines are indented
// under the first item. An item is never split unless it alone is too wide.
std::string wrap_items(std::string_view label, const std::vector<std::string>& items,
                       std::size_t width, std::size_t indent = 2);

// Free text wrapped at word boundaries to `width`, every line indented.
std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent);

struct TableColumn {
  std::string header;
  bool right_aligned = false;
  int priority = 0;  // when the table is too wide, the highest priority number goes first
};

// An aligned table indented by `indent`. Columns are dropped (highest priority
// number first, never the first column) until the rows fit in `width`; the
// lines still too wide are cut.
std::string render_table(const std::vector<TableColumn>& columns,
                         const std::vector<std::vector<std::string>>& rows, std::size_t width,
                         std::size_t indent = 2);

// Terminal width for human output: $COLUMNS when it is a number, else the
// terminal's (TIOCGWINSZ on stdout), else 80. Never below 40.
std::size_t output_width();

}  // namespace openclawd::cli
