#pragma once
// The `openclawd` command line: daemon, thin control-socket client and offline
// tools. Returns the process exit code (see docs/operations.md, "Exit codes").

namespace openclawd::cli {

int run(int argc, char** argv);

}  // namespace openclawd::cli
