// `openclawd classify --model-dir D [--jsonl]`: runs an in-process DeBERTa classifier
// on stdin without a daemon, for admins checking a model setup and for evaluations.
// Plain mode classifies all of stdin as one text; --jsonl reads one {"id", "text"}
// per line. Prints one JSON object per text.
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "openclawd/classifier/model.hpp"

namespace openclawd::cli {
namespace {

struct ClassifyOptions {
  std::string model_dir;
  bool jsonl = false;
  defender::ClassifierSettings settings;
};

nlohmann::json describe(const defender::DebertaClassifier& model, const nlohmann::json& id,
                        const defender::Classification& result) {
  nlohmann::json scores = nlohmann::json::object();
  const auto& labels = model.config().labels;
  for (std::size_t i = 0; i < labels.size(); ++i) scores[labels[i]] = result.probabilities[i];
  return {{"id", id},
          {"label", result.label},
          {"scores", scores},
          {"logits", result.logits},
          {"input_ids", result.input_ids},
          {"windows", result.windows}};
}

int run_classify(const ClassifyOptions& options) {
  auto model = defender::DebertaClassifier::load(options.model_dir, options.settings);
  if (!model) {
    std::cerr << "openclawd classify: " << model.error().message << "\n";
    return 1;
  }
  auto classify_one = [&](const nlohmann::json& id, const std::string& text) {
    auto result = (*model)->classify(text);
    if (!result) {
      std::cout << nlohmann::json{{"id", id}, {"error", result.error().message}}.dump() << "\n";
      return false;
    }
    std::cout << describe(**model, id, *result).dump() << "\n";
    return true;
  };
  if (!options.jsonl) {
    const std::string text(std::istreambuf_iterator<char>(std::cin), {});
    return classify_one(nullptr, text) ? 0 : 1;
  }
  int exit_code = 0;
  std::string line;
  for (std::size_t number = 1; std::getline(std::cin, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto item = nlohmann::json::parse(line, nullptr, false);
    if (item.is_discarded() || !item.is_object() || !item.contains("text") ||
        !item["text"].is_string()) {
      std::cerr << "openclawd classify: stdin line " << number
                << ": expected {\"id\": ..., \"text\": \"...\"}\n";
      exit_code = 1;
      continue;
    }
    if (!classify_one(item.value("id", nlohmann::json(number)), item["text"].get<std::string>())) {
      exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace

void add_classify_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ClassifyOptions>();
  auto* command = app.add_subcommand(
      "classify", "Run an ML classifier model directory on stdin (no daemon needed)");
  command
      ->add_option("--model-dir", options->model_dir,
                   "Hugging Face model directory: config.json, model.safetensors, spm.model")
      ->required();
  command->add_flag("--jsonl", options->jsonl, "Read one {\"id\", \"text\"} object per line");
  command
      ->add_option("--window", options->settings.window_tokens,
                   "Tokens per window, [CLS] and [SEP] included")
      ->capture_default_str();
  command->add_option("--stride", options->settings.stride_tokens, "Tokens between window starts")
      ->capture_default_str();
  command->add_option("--threads", options->settings.threads, "Cores one forward pass uses")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command
      ->add_option("--max-batch", options->settings.max_batch,
                   "Windows of a long text scored in one forward pass")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  command->callback([options, &exit_code] { exit_code = run_classify(*options); });
}

}  // namespace openclawd::cli
