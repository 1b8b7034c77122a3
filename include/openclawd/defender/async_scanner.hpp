#pragma once
// Scans for other parts of the daemon (the inference gateway): texts go to the
// defender's workers, the results come back on the event loop. Implemented by
// the defender service; the caller bounds how much it asks for at once.

#include <functional>
#include <string>
#include <vector>

#include "openclawd/defender/api_request.hpp"
#include "openclawd/defender/scan.hpp"

namespace openclawd::defender {

class AsyncScanner {
 public:
  using Done = std::function<void(std::vector<ScanResult>)>;
  virtual ~AsyncScanner() = default;
  // Scans every request off the event loop (logged and counted with `origin`
  // like any scan) and calls `done` on the loop with one result per request,
  // in order. Never refuses: the caller limits its own concurrency.
  virtual void scan(std::vector<ScanRequest> requests, std::string origin, Done done) = 0;
};

}  // namespace openclawd::defender
