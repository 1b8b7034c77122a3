#include "openclawd/judge/judge.hpp"

namespace openclawd::judge {

Result<std::shared_ptr<Judge>> make_judge(const JudgeSettings& settings, DecisionSink sink) {
  auto client = make_curl_chat_client(settings);
  if (!client) return client.error().context("while setting up the LLM judge");
  JudgeDependencies dependencies;
  dependencies.client = std::move(*client);
  dependencies.sink = std::move(sink);
  return std::make_shared<Judge>(settings, std::move(dependencies));
}

}  // namespace openclawd::judge
