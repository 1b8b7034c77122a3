#include "openclawd/cli/app.hpp"

int main(int argc, char** argv) {
  return openclawd::cli::run(argc, argv);
}
