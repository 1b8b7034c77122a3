#pragma once
// The loopback stub of an OpenAI-compatible provider (openai_stub_server.py)
// run from a C++ test: its URL, its script, what it received.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace openclawd::testing {

class OpenAiStub {
 public:
  // `cert`/`key`: serve TLS with this certificate.
  explicit OpenAiStub(const std::filesystem::path& python, std::string cert = {},
                      std::string key = {}) {
    script_ = dir_ / "script.json";
    records_ = dir_ / "requests.jsonl";
    const auto port_file = dir_ / "port";
    std::vector<std::string> argv = {python.string(),
                                     (source_dir() / "tests/common/openai_stub_server.py").string(),
                                     port_file.string(), records_.string(), script_.string()};
    if (!cert.empty()) argv.insert(argv.end(), {"--cert", cert, "--key", key});
    set_script(nlohmann::json::object());
    process_ = std::make_unique<BackgroundProcess>(argv, std::map<std::string, std::string>{},
                                                   (dir_ / "stub.log").string());
    for (int i = 0; i < 500 && !std::filesystem::exists(port_file); ++i) ::usleep(20000);
    std::ifstream(port_file) >> port_;
  }

  int port() const { return port_; }
  bool running() const { return port_ > 0; }
  // http(s)://127.0.0.1:PORT/v1
  std::string base_url(bool tls = false) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/v1";
  }

  // {"<model>": scenario}: see openai_stub_server.py.
  void set_script(const nlohmann::json& script) {
    std::ofstream(dir_ / "script.tmp") << script.dump();
    std::filesystem::rename(dir_ / "script.tmp", script_);
  }

  // Every request received so far: {"method", "path", "headers", "body"}.
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(records_);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }

 private:
  TempDir dir_;
  std::filesystem::path script_;
  std::filesystem::path records_;
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
};

}  // namespace openclawd::testing
