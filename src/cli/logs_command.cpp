// `openclawd logs dns|egress|audit|defender|inference [-f] [-n N]`: prints the end of one
// of the daemon's JSON-lines logs and, with -f, follows it across rotations.
// Reads the file directly (no daemon needed), so it works while the daemon is
// down; following uses inotify, never a sleep loop.
#include <sys/inotify.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/config/config.hpp"

namespace openclawd::cli {
namespace {

std::filesystem::path log_file_for(const config::Config& config, const std::string& kind) {
  if (kind == "dns") return config.dns.log_file;
  if (kind == "egress") return config.network.egress.log_file;
  if (kind == "audit") return config.audit.log_file;
  if (kind == "inference") return config.inference.log_file;
  return config.defender.log_file;
}

void print_tail(std::ifstream& in, std::size_t lines) {
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(std::move(line));
    if (last.size() > lines) last.pop_front();
  }
  for (const auto& l : last) std::cout << l << "\n";
  std::cout.flush();
  in.clear();  // at EOF: keep the stream usable for following
}

// Copies whatever was appended since the last read.
void print_new(std::ifstream& in) {
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) {  // a partial line: wait for the rest
      in.clear();
      in.seekg(-static_cast<std::streamoff>(line.size()), std::ios::cur);
      break;
    }
    std::cout << line << "\n";
  }
  std::cout.flush();
  in.clear();
}

int follow(const std::filesystem::path& path, std::ifstream& in) {
  const int fd = ::inotify_init1(IN_CLOEXEC);
  if (fd < 0) {
    std::cerr << "openclawd: inotify: " << std::strerror(errno) << "\n";
    return kFailed;
  }
  // Watch the directory: the file may be rotated (renamed) or created later.
  const auto dir = path.parent_path();
  if (::inotify_add_watch(fd, dir.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM) <
      0) {
    std::cerr << "openclawd: cannot watch " << dir << ": " << std::strerror(errno) << "\n";
    ::close(fd);
    return kFailed;
  }
  const auto name = path.filename().string();
  alignas(inotify_event) char buffer[8192];
  for (;;) {
    auto n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (char* p = buffer; p < buffer + n;) {
      auto* event = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + event->len;
      if (event->len == 0 || name != event->name) continue;
      if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
        // Rotated: drain the old file, then read the new one from its start.
        if (in.is_open()) print_new(in);
        in.close();
        in.open(path);
      }
      if (!in.is_open()) in.open(path);
      if (in.is_open()) print_new(in);
    }
  }
  ::close(fd);
  return kOk;
}

}  // namespace

void add_logs_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config_path = config::kDefaultConfigPath;
    std::string kind;
    bool follow = false;
    std::size_t lines = 20;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "logs", "Print (and follow) a log: dns, egress, audit, defender, inference");
  command->add_option("-c,--config", options->config_path, "Config file")->capture_default_str();
  command->add_option("kind", options->kind, "Which log")
      ->required()
      ->check(CLI::IsMember({"dns", "egress", "audit", "defender", "inference"}));
  command->add_flag("-f,--follow", options->follow, "Keep printing new lines (follows rotation)");
  command->add_option("-n,--lines", options->lines, "Lines to print first")->capture_default_str();
  command->callback([options, &exit_code] {
    auto config = config::load_config(options->config_path);
    if (!config) {
      std::cerr << config.error().message << "\n";
      exit_code = kConfig;
      return;
    }
    const auto path = log_file_for(*config, options->kind);
    std::ifstream in(path);
    if (!in && !options->follow) {
      std::cerr << "openclawd: no " << options->kind << " log yet at " << path.string() << "\n";
      exit_code = kFailed;
      return;
    }
    if (in) print_tail(in, options->lines);
    exit_code = options->follow ? follow(path, in) : kOk;
  });
}

}  // namespace openclawd::cli
