#include "openclawd/dns/egress_decisions.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace openclawd::dns {
namespace {

std::string errno_text(int error) {
  return std::strerror(error);
}

// Write to a temporary file beside `file`, fsync, rename over it, fsync the
// directory: a crash leaves the old file or the new one, never half of one.
Status write_atomically(const std::filesystem::path& file, const std::string& text) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const auto temporary = file.string() + ".tmp";
  auto fail = [&](const std::string& what, int error) {
    ::unlink(temporary.c_str());
    return make_error(
        fmt::format("cannot write the egress decisions file {}: {}: {} (check that "
                    "state_dir is writable)",
                    file.string(), what, errno_text(error)));
  };
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return fail("open", errno);
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      return fail("write", error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    return fail("fsync", error);
  }
  ::close(fd);
  if (::rename(temporary.c_str(), file.c_str()) != 0) return fail("rename", errno);
  const auto directory = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

bool expired(const EgressDecision& decision, WallClock::time_point now) {
  return decision.expires_at && *decision.expires_at <= now;
}

}  // namespace

EgressDecisions::EgressDecisions(std::filesystem::path file, std::size_t max_pending)
    : file_(std::move(file)), max_pending_(std::max<std::size_t>(max_pending, 1)) {}

Status EgressDecisions::load() {
  decisions_.clear();
  if (file_.empty()) return ok_status();
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return ok_status();
  std::ifstream in(file_);
  if (!in) {
    return make_error(fmt::format("cannot read the egress decisions file {}: check its permissions",
                                  file_.string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_decisions(text.str(), file_.string());
  if (!parsed) return parsed.error();
  for (auto& decision : *parsed) {
    Key key{decision.vm, decision.name};
    decisions_[std::move(key)] = std::move(decision);
  }
  return ok_status();
}

std::optional<EgressVerdict> EgressDecisions::find(const std::string& vm, std::string_view name,
                                                   WallClock::time_point now) const {
  auto canonical = canonical_destination(name);
  if (!canonical) return std::nullopt;  // a name no admin can have decided on
  const auto found = decisions_.find(Key{vm, *canonical});
  if (found == decisions_.end() || expired(found->second, now)) return std::nullopt;
  return found->second.verdict;
}

void EgressDecisions::note_pending(const std::string& vm, std::string_view name,
                                   WallClock::time_point now) {
  auto canonical = canonical_destination(name);
  std::string key_name = canonical ? std::move(*canonical) : std::string(name);
  Key key{vm, std::move(key_name)};
  auto found = pending_.find(key);
  if (found == pending_.end()) {
    if (pending_.size() >= max_pending_) {
      auto oldest = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) {
        return a.second.last_seen < b.second.last_seen;
      });
      pending_.erase(oldest);
      ++pending_dropped_;
    }
    found = pending_.emplace(key, PendingName{key.first, key.second, now, now, 0}).first;
  }
  found->second.last_seen = now;
  ++found->second.count;
}

Status EgressDecisions::decide(const std::string& vm, std::string_view name, EgressVerdict verdict,
                               std::optional<std::chrono::seconds> duration,
                               WallClock::time_point now) {
  auto canonical = canonical_destination(name);
  if (!canonical) return make_error(fmt::format("\"{}\": {}", name, canonical.error().message));
  auto next = decisions_;
  std::erase_if(next, [&](const auto& entry) { return expired(entry.second, now); });
  EgressDecision decision{vm, *canonical, verdict, now, std::nullopt};
  if (duration) decision.expires_at = now + *duration;
  next[Key{vm, *canonical}] = std::move(decision);
  if (auto saved = save(next); !saved) return saved;
  decisions_ = std::move(next);
  pending_.erase(Key{vm, *canonical});
  return ok_status();
}

Status EgressDecisions::save(const std::map<Key, EgressDecision>& decisions) const {
  if (file_.empty()) return ok_status();
  std::vector<EgressDecision> list;
  for (const auto& [_, decision] : decisions) list.push_back(decision);
  return write_atomically(file_, serialize_decisions(list));
}

std::vector<PendingName> EgressDecisions::pending() const {
  std::vector<PendingName> out;
  for (const auto& [_, entry] : pending_) out.push_back(entry);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.last_seen > b.last_seen; });
  return out;
}

std::vector<EgressDecision> EgressDecisions::decisions(WallClock::time_point now) const {
  std::vector<EgressDecision> out;
  for (const auto& [_, decision] : decisions_) {
    if (!expired(decision, now)) out.push_back(decision);
  }
  return out;
}

nlohmann::json EgressDecisions::counts(WallClock::time_point now) const {
  std::uint64_t allowed = 0;
  std::uint64_t denied = 0;
  for (const auto& [_, decision] : decisions_) {
    if (expired(decision, now)) continue;
    ++(decision.verdict == EgressVerdict::allow ? allowed : denied);
  }
  return {{"pending", pending_.size()},
          {"allowed", allowed},
          {"denied", denied},
          {"pending_dropped", pending_dropped_}};
}

}  // namespace openclawd::dns
