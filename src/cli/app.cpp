#include "openclawd/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "openclawd/version.hpp"

namespace openclawd::cli {

int run(int argc, char** argv) {
  CLI::App app{"openclawd: keeps an AI agent in a VM and watches what it does"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([] { std::cout << "openclawd " << kVersion << "\n"; });
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace openclawd::cli
