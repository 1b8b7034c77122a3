#pragma once
// Layer 3 of the defender pipeline (openclawd::defender::Layer).
//
// Text: asked only when the earlier layers' best confidence is inside the
// escalation band [band_low, band_high). A flagged verdict adds a "judge"
// finding and Verdict::injection. A benign verdict is Verdict::benign only
// when may_lower is set and the judge is confident enough; the pipeline then
// treats the earlier findings as overruled (it may lower the action, at most to
// "log"). Otherwise benign is Verdict::none and changes nothing.
//
// Tool calls (source "tool_call"): when the call is on the dangerous list the
// judge checks intent alignment against the user's last request, whatever the
// band. The pipeline passes them in LayerInput::context:
//   {"user_request": "...", "tool_name": "exec", "tool_params": {...}}
// ("toolName"/"params" as in the OpenClaw before_tool_call hook work too).
// A call not aligned with at least intent_block_confidence gets a critical
// "intent_misalignment" finding and Verdict::injection.
//
// When the judge cannot answer, the source's fail mode decides: open reports
// ran=true with `error` and no finding; closed adds a high "judge_unavailable"
// finding and Verdict::injection.

#include <memory>

#include "openclawd/defender/layer.hpp"
#include "openclawd/judge/judge.hpp"
#include "openclawd/judge/tool_policy.hpp"

namespace openclawd::judge {

class JudgeLayer final : public defender::Layer {
 public:
  explicit JudgeLayer(std::shared_ptr<Judge> judge);

  std::string_view name() const override { return "judge"; }
  defender::LayerReport evaluate(const defender::LayerInput& input) override;

 private:
  defender::LayerReport evaluate_text(const defender::LayerInput& input);
  defender::LayerReport evaluate_tool_call(const defender::LayerInput& input,
                                           const std::string& tool_name,
                                           const nlohmann::json& arguments,
                                           const std::string& matched);

  std::shared_ptr<Judge> judge_;
  DangerousToolPolicy tool_policy_;
};

}  // namespace openclawd::judge
