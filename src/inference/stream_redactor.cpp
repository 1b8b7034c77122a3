#include "openclawd/inference/stream_redactor.hpp"

#include <algorithm>

namespace openclawd::inference {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Enough of a released private key block's tail to find its END line when the
// line arrives split across pieces.
constexpr std::size_t kKeyTailBytes = 64;

}  // namespace

std::size_t StreamRedactor::safe_end() const {
  const std::string_view text(pending_);
  // The last word may still grow.
  std::size_t end = text.size();
  while (end > 0 && !is_blank(text[end - 1])) --end;
  // Words that open a credential whose value has not arrived yet.
  const std::size_t opener = redactor_->unfinished_start(text.substr(0, end));
  if (opener != std::string_view::npos) end = std::min(end, opener);
  // A credential that reaches into the held part is held whole.
  bool moved = true;
  while (moved) {
    moved = false;
    for (const auto& span : redactor_->find(text)) {
      if (span.begin < end && span.end >= end) {
        end = span.begin;
        moved = true;
      }
    }
  }
  return end;
}

std::string StreamRedactor::release(std::size_t end) {
  const std::string_view released = std::string_view(pending_).substr(0, end);
  const auto spans = redactor_->find(released);
  std::string out = judge::Redactor::apply(released, spans);
  redactions_ += spans.size();
  // Cut at the cap inside a private key block: the rest of it must not follow.
  if (!spans.empty() && spans.back().kind == "private_key" && spans.back().end == end &&
      redactor_->unfinished_start(released) != std::string_view::npos) {
    swallowing_key_ = true;
  }
  pending_.erase(0, end);
  return out;
}

std::string StreamRedactor::push(std::string_view piece) {
  pending_.append(piece);
  if (swallowing_key_) {
    const auto end_line = redactor_->private_key_end(pending_);
    if (end_line == std::string::npos) {
      if (pending_.size() > kKeyTailBytes) pending_.erase(0, pending_.size() - kKeyTailBytes);
      return {};
    }
    pending_.erase(0, end_line);
    swallowing_key_ = false;
  }
  std::size_t end = safe_end();
  if (pending_.size() - end > max_hold_) end = pending_.size();
  return end == 0 ? std::string() : release(end);
}

std::string StreamRedactor::finish() {
  if (swallowing_key_) {
    pending_.clear();
    return {};
  }
  return release(pending_.size());
}

}  // namespace openclawd::inference
