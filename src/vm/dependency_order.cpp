#include <fmt/format.h>

#include <map>

#include "openclawd/vm/supervisor.hpp"

namespace openclawd::vm {

Result<std::vector<std::string>> dependency_order(const std::vector<config::VmConfig>& vms) {
  std::map<std::string, const config::VmConfig*> by_name;
  for (const auto& vm : vms) by_name[vm.name] = &vm;
  for (const auto& vm : vms) {
    for (const auto& dependency : vm.depends_on) {
      if (!by_name.count(dependency)) {
        return make_error(
            fmt::format("VM {} depends on {}, which is not configured: fix "
                        "depends_on or add that VM",
                        vm.name, dependency));
      }
    }
  }
  // Depth-first, visiting VMs in config order so the result is stable.
  enum class Mark { none, visiting, done };
  std::map<std::string, Mark> marks;
  std::vector<std::string> order;
  std::vector<std::string> path;
  std::function<Status(const config::VmConfig&)> visit = [&](const config::VmConfig& vm) -> Status {
    auto& mark = marks[vm.name];
    if (mark == Mark::done) return ok_status();
    if (mark == Mark::visiting) {
      std::string cycle;
      for (const auto& step : path) cycle += step + " -> ";
      return make_error(
          fmt::format("VM depends_on forms a cycle: {}{}: remove one of them", cycle, vm.name));
    }
    mark = Mark::visiting;
    path.push_back(vm.name);
    for (const auto& dependency : vm.depends_on) {
      if (auto visited = visit(*by_name.at(dependency)); !visited) return visited;
    }
    path.pop_back();
    marks[vm.name] = Mark::done;
    order.push_back(vm.name);
    return ok_status();
  };
  for (const auto& vm : vms) {
    if (auto visited = visit(vm); !visited) return visited.error();
  }
  return order;
}

}  // namespace openclawd::vm
