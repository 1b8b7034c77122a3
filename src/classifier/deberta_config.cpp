#include <nlohmann/json.hpp>

#include "openclawd/classifier/model.hpp"

namespace openclawd::defender {
namespace {

template <typename T>
Result<T> field(const nlohmann::json& json, const char* key, T fallback, bool required,
                const std::string& source) {
  const auto it = json.find(key);
  if (it == json.end() || it->is_null()) {
    if (required) return make_error(source + ": /" + key + " is required");
    return fallback;
  }
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return make_error(source + ": /" + key + " has the wrong type");
  }
}

}  // namespace

Result<DebertaConfig> parse_deberta_config(const std::string& json_text,
                                           const std::string& source) {
  auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return make_error(source + ": not a JSON object");
  }
  DebertaConfig config;
#define OCD_INT(name, required)                                          \
  {                                                                      \
    auto value = field<int>(json, #name, config.name, required, source); \
    if (!value) return value.error();                                    \
    config.name = *value;                                                \
  }
  OCD_INT(vocab_size, true)
  OCD_INT(hidden_size, true)
  OCD_INT(num_hidden_layers, true)
  OCD_INT(num_attention_heads, true)
  OCD_INT(intermediate_size, true)
  OCD_INT(max_position_embeddings, false)
  OCD_INT(max_relative_positions, false)
  OCD_INT(position_buckets, false)
#undef OCD_INT
  config.embedding_size = config.hidden_size;
  config.pooler_hidden_size = config.hidden_size;
  for (const char* key : {"embedding_size", "pooler_hidden_size"}) {
    auto value = field<int>(json, key, config.hidden_size, false, source);
    if (!value) return value.error();
    (std::string(key) == "embedding_size" ? config.embedding_size : config.pooler_hidden_size) =
        *value;
  }
  auto bool_field = [&](const char* key, bool& out) -> Status {
    auto value = field<bool>(json, key, out, false, source);
    if (!value) return value.error();
    out = *value;
    return ok_status();
  };
  for (auto [key, out] : {std::pair{"relative_attention", &config.relative_attention},
                          std::pair{"position_biased_input", &config.position_biased_input},
                          std::pair{"share_att_key", &config.share_att_key}}) {
    if (auto status = bool_field(key, *out); !status) return status.error();
  }
  auto eps = field<double>(json, "layer_norm_eps", config.layer_norm_eps, false, source);
  if (!eps) return eps.error();
  config.layer_norm_eps = *eps;
  for (auto [key, out] : {std::pair{"hidden_act", &config.hidden_act},
                          std::pair{"pooler_hidden_act", &config.pooler_hidden_act}}) {
    auto value = field<std::string>(json, key, *out, false, source);
    if (!value) return value.error();
    *out = *value;
  }
  // pos_att_type: ["p2c","c2p"] in transformers configs, "p2c|c2p" in Microsoft's.
  std::vector<std::string> attention_types;
  if (const auto it = json.find("pos_att_type"); it != json.end() && !it->is_null()) {
    if (it->is_string()) {
      std::string text = it->get<std::string>();
      std::size_t start = 0;
      while (start <= text.size()) {
        const auto bar = text.find('|', start);
        attention_types.push_back(text.substr(start, bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    } else if (it->is_array()) {
      for (const auto& item : *it) {
        if (!item.is_string()) return make_error(source + ": /pos_att_type items must be strings");
        attention_types.push_back(item.get<std::string>());
      }
    } else {
      return make_error(source + ": /pos_att_type must be a list or a \"p2c|c2p\" string");
    }
  }
  for (auto& type : attention_types) {
    for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type == "c2p") {
      config.c2p = true;
    } else if (type == "p2c") {
      config.p2c = true;
    } else if (!type.empty()) {
      return make_error(source + ": /pos_att_type '" + type +
                        "' is not supported (c2p and p2c are)");
    }
  }
  if (const auto it = json.find("norm_rel_ebd"); it != json.end() && it->is_string()) {
    config.norm_rel_ebd_layer_norm = it->get<std::string>().find("layer_norm") != std::string::npos;
  }
  if (const auto it = json.find("conv_kernel_size");
      it != json.end() && it->is_number() && it->get<int>() > 0) {
    return make_error(source + ": /conv_kernel_size > 0 (DeBERTa-v2 xlarge conv) is not supported");
  }
  for (const char* act : {config.hidden_act.c_str(), config.pooler_hidden_act.c_str()}) {
    const std::string name = act;
    if (name != "gelu" && name != "gelu_new" && name != "relu" && name != "tanh") {
      return make_error(source + ": activation '" + name + "' is not supported");
    }
  }
  if (config.vocab_size <= 0 || config.hidden_size <= 0 || config.num_hidden_layers <= 0 ||
      config.num_attention_heads <= 0 || config.intermediate_size <= 0 ||
      config.hidden_size % config.num_attention_heads != 0 || config.max_position_embeddings < 3 ||
      config.embedding_size <= 0 || config.pooler_hidden_size <= 0) {
    return make_error(source +
                      ": sizes must be positive and hidden_size divisible by num_attention_heads");
  }
  if (config.max_relative_positions < 1)
    config.max_relative_positions = config.max_position_embeddings;
  // id2label: {"0": "BENIGN", "1": "MALICIOUS"}; without it, LABEL_0 / LABEL_1.
  if (const auto it = json.find("id2label"); it != json.end() && it->is_object()) {
    config.labels.resize(it->size());
    for (const auto& [key, value] : it->items()) {
      std::size_t index = 0;
      try {
        index = std::stoul(key);
      } catch (...) {
        return make_error(source + ": /id2label key '" + key + "' is not an integer");
      }
      if (index >= config.labels.size() || !value.is_string()) {
        return make_error(source + ": /id2label must map 0..N-1 to names");
      }
      config.labels[index] = value.get<std::string>();
    }
  } else {
    auto count = field<int>(json, "num_labels", 2, false, source);
    if (!count) return count.error();
    for (int i = 0; i < *count; ++i) config.labels.push_back("LABEL_" + std::to_string(i));
  }
  if (config.labels.empty()) return make_error(source + ": /id2label is empty");
  return config;
}

bool is_benign_label(const std::string& label) {
  std::string lower = label;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "benign" || lower == "safe";
}

int benign_label_index(const std::vector<std::string>& labels) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (is_benign_label(labels[i])) return static_cast<int>(i);
  }
  return 0;  // LABEL_0 / LABEL_1 models: 0 is the negative class
}

Result<std::vector<Classification>> TextClassifier::classify_batch(
    const std::vector<std::string>& texts) const {
  std::vector<Classification> results;
  results.reserve(texts.size());
  for (const auto& text : texts) {
    auto result = classify(text);
    if (!result) return result.error();
    results.push_back(std::move(*result));
  }
  return results;
}

}  // namespace openclawd::defender
