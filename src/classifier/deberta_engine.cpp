// The DeBERTa-v2 forward pass, following transformers' DebertaV2ForSequenceClassification:
// embeddings -> N x (disentangled self-attention + FFN) -> pooler -> classifier.
// Matrices are row-major float32; every projection is one OpenBLAS sgemm.
#include <cblas.h>
#include <sentencepiece_processor.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "openclawd/classifier/model.hpp"
#include "openclawd/classifier/safetensors.hpp"

extern "C" void openblas_set_num_threads(int);

namespace openclawd::defender {
namespace {

using Matrix = std::vector<float>;  // rows x cols, row-major

struct Linear {
  FloatTensor weight;  // [out, in]
  FloatTensor bias;    // [out], may be empty
  int in = 0;
  int out = 0;

  // y[rows, out] = x[rows, in] * W^T + b
  void apply(const float* x, int rows, float* y) const {
    for (int r = 0; r < rows; ++r) {
      if (bias.data) {
        std::copy(bias.data, bias.data + out, y + static_cast<std::size_t>(r) * out);
      } else {
        std::fill(y + static_cast<std::size_t>(r) * out, y + static_cast<std::size_t>(r + 1) * out,
                  0.0f);
      }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0f, x, in, weight.data,
                in, 1.0f, y, out);
  }
};

struct LayerNorm {
  FloatTensor weight;
  FloatTensor bias;
  float eps = 1e-7f;

  void apply(float* x, int rows, int width) const {
    for (int r = 0; r < rows; ++r) {
      float* row = x + static_cast<std::size_t>(r) * width;
      double mean = 0;
      for (int i = 0; i < width; ++i) mean += row[i];
      mean /= width;
      double variance = 0;
      for (int i = 0; i < width; ++i) variance += (row[i] - mean) * (row[i] - mean);
      variance /= width;
      const double inverse = 1.0 / std::sqrt(variance + eps);
      for (int i = 0; i < width; ++i) {
        row[i] = static_cast<float>((row[i] - mean) * inverse) * weight.data[i] + bias.data[i];
      }
    }
  }
};

void activate(const std::string& name, float* x, std::size_t count) {
  if (name == "gelu") {
    for (std::size_t i = 0; i < count; ++i) {
      x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * static_cast<float>(M_SQRT1_2)));
    }
  } else if (name == "gelu_new") {
    const float c = std::sqrt(2.0f / static_cast<float>(M_PI));
    for (std::size_t i = 0; i < count; ++i) {
      x[i] = 0.5f * x[i] * (1.0f + std::tanh(c * (x[i] + 0.044715f * x[i] * x[i] * x[i])));
    }
  } else if (name == "relu") {
    for (std::size_t i = 0; i < count; ++i) x[i] = std::max(x[i], 0.0f);
  } else {
    for (std::size_t i = 0; i < count; ++i) x[i] = std::tanh(x[i]);
  }
}

struct EncoderLayer {
  Linear query, key, value, pos_key, pos_query, attention_output, intermediate, output;
  LayerNorm attention_norm, output_norm;
};

// transformers' make_log_bucket_position, in float32 like torch computes it.
int bucket_position(int relative, int bucket_size, int max_position) {
  const int sign = (relative > 0) - (relative < 0);
  const int mid = bucket_size / 2;
  const int absolute = (relative < mid && relative > -mid) ? mid - 1 : std::abs(relative);
  if (absolute <= mid) return relative;
  const float log_position =
      std::ceil(std::log(static_cast<float>(absolute) / static_cast<float>(mid)) /
                std::log(static_cast<float>(max_position - 1) / static_cast<float>(mid)) *
                static_cast<float>(mid - 1)) +
      static_cast<float>(mid);
  return static_cast<int>(log_position) * sign;
}

class DebertaEngine final : public DebertaClassifier {
 public:
  DebertaEngine(DebertaConfig config, SafetensorsFile weights, ClassifierSettings settings)
      : config_(std::move(config)), weights_(std::move(weights)), settings_(settings) {}

  Status init(const std::string& model_dir) {
    const auto spm_path = model_dir + "/spm.model";
    if (auto status = spm_.Load(spm_path); !status.ok()) {
      return make_error(spm_path + ": cannot load the SentencePiece model: " + status.ToString());
    }
    const auto& c = config_;
    const std::int64_t hidden = c.hidden_size;
    word_embeddings_ = weights_.info("deberta.embeddings.word_embeddings.weight");
    if (!word_embeddings_ ||
        word_embeddings_->shape != std::vector<std::int64_t>{c.vocab_size, c.embedding_size}) {
      return make_error(weights_.path() +
                        ": deberta.embeddings.word_embeddings.weight is missing or not "
                        "[vocab_size, embedding_size]");
    }
    Status status;
    auto load = [&](const std::string& name, std::vector<std::int64_t> shape) {
      FloatTensor tensor;
      if (!status) return tensor;
      auto result = weights_.tensor(name, shape);
      if (!result) {
        status = result.error();
        return tensor;
      }
      return std::move(*result);
    };
    auto linear = [&](const std::string& prefix, int in, int out, bool bias = true) {
      Linear layer;
      layer.in = in;
      layer.out = out;
      layer.weight = load(prefix + ".weight", {out, in});
      if (bias) layer.bias = load(prefix + ".bias", {out});
      return layer;
    };
    auto norm = [&](const std::string& prefix, int width) {
      LayerNorm layer;
      layer.eps = static_cast<float>(c.layer_norm_eps);
      layer.weight = load(prefix + ".weight", {width});
      layer.bias = load(prefix + ".bias", {width});
      return layer;
    };
    if (c.position_biased_input) {
      position_embeddings_ = load("deberta.embeddings.position_embeddings.weight",
                                  {c.max_position_embeddings, c.embedding_size});
    }
    if (c.embedding_size != c.hidden_size) {
      embed_proj_ = linear("deberta.embeddings.embed_proj", c.embedding_size, c.hidden_size, false);
    }
    embedding_norm_ = norm("deberta.embeddings.LayerNorm", c.hidden_size);
    const int head_size = c.hidden_size / c.num_attention_heads;
    (void)head_size;
    for (int i = 0; i < c.num_hidden_layers; ++i) {
      const auto prefix = "deberta.encoder.layer." + std::to_string(i);
      EncoderLayer layer;
      layer.query = linear(prefix + ".attention.self.query_proj", c.hidden_size, c.hidden_size);
      layer.key = linear(prefix + ".attention.self.key_proj", c.hidden_size, c.hidden_size);
      layer.value = linear(prefix + ".attention.self.value_proj", c.hidden_size, c.hidden_size);
      if (c.relative_attention && !c.share_att_key) {
        if (c.c2p)
          layer.pos_key =
              linear(prefix + ".attention.self.pos_key_proj", c.hidden_size, c.hidden_size);
        if (c.p2c)
          layer.pos_query =
              linear(prefix + ".attention.self.pos_query_proj", c.hidden_size, c.hidden_size);
      }
      layer.attention_output =
          linear(prefix + ".attention.output.dense", c.hidden_size, c.hidden_size);
      layer.attention_norm = norm(prefix + ".attention.output.LayerNorm", c.hidden_size);
      layer.intermediate =
          linear(prefix + ".intermediate.dense", c.hidden_size, c.intermediate_size);
      layer.output = linear(prefix + ".output.dense", c.intermediate_size, c.hidden_size);
      layer.output_norm = norm(prefix + ".output.LayerNorm", c.hidden_size);
      layers_.push_back(std::move(layer));
    }
    if (c.relative_attention) {
      const int span = c.position_buckets > 0 ? c.position_buckets : c.max_relative_positions;
      attention_span_ = span;
      auto table = load("deberta.encoder.rel_embeddings.weight", {2 * span, hidden});
      if (!status) return status;
      relative_embeddings_.assign(table.data, table.data + table.size());
      if (c.norm_rel_ebd_layer_norm) {
        auto rel_norm = norm("deberta.encoder.LayerNorm", c.hidden_size);
        if (!status) return status;
        rel_norm.apply(relative_embeddings_.data(), 2 * span, c.hidden_size);
      }
    }
    pooler_ = linear("pooler.dense", c.hidden_size, c.pooler_hidden_size);
    classifier_ = linear("classifier", c.pooler_hidden_size, static_cast<int>(c.labels.size()));
    if (!status) return status;
    openblas_set_num_threads(std::max(1, settings_.threads));
    return ok_status();
  }

  const DebertaConfig& config() const override { return config_; }

  std::vector<int> tokenize(const std::string& text) const override {
    std::vector<int> ids;
    spm_.Encode(text, &ids).IgnoreError();
    ids.insert(ids.begin(), 1);  // [CLS]
    ids.push_back(2);            // [SEP]
    return ids;
  }

  Result<std::vector<float>> logits(const std::vector<int>& ids) const override {
    const auto& c = config_;
    const int length = static_cast<int>(ids.size());
    if (length == 0 || length > c.max_position_embeddings) {
      return make_error("window of " + std::to_string(length) + " tokens does not fit the model (" +
                        std::to_string(c.max_position_embeddings) + ")");
    }
    const int hidden = c.hidden_size;
    // Embeddings.
    Matrix embedded(static_cast<std::size_t>(length) * c.embedding_size);
    for (int t = 0; t < length; ++t) {
      if (ids[t] < 0 || ids[t] >= c.vocab_size) return make_error("token id out of vocabulary");
      float* row = embedded.data() + static_cast<std::size_t>(t) * c.embedding_size;
      weights_.copy_row(*word_embeddings_, static_cast<std::size_t>(ids[t]), row);
      if (position_embeddings_.data) {
        const float* position =
            position_embeddings_.data + static_cast<std::size_t>(t) * c.embedding_size;
        for (int i = 0; i < c.embedding_size; ++i) row[i] += position[i];
      }
    }
    Matrix states;
    if (c.embedding_size != hidden) {
      states.resize(static_cast<std::size_t>(length) * hidden);
      embed_proj_.apply(embedded.data(), length, states.data());
    } else {
      states = std::move(embedded);
    }
    embedding_norm_.apply(states.data(), length, hidden);

    // Relative positions (same for every layer): bucket(i - j).
    std::vector<int> relative(static_cast<std::size_t>(length) * length);
    for (int i = 0; i < length; ++i) {
      for (int j = 0; j < length; ++j) {
        int value = i - j;
        if (c.position_buckets > 0 && c.max_relative_positions > 0) {
          value = bucket_position(value, c.position_buckets, c.max_relative_positions);
        }
        relative[static_cast<std::size_t>(i) * length + j] = value;
      }
    }
    for (const auto& layer : layers_) states = encoder_layer(layer, states, relative, length);

    Matrix pooled(c.pooler_hidden_size);
    pooler_.apply(states.data(), 1, pooled.data());  // the [CLS] row
    activate(c.pooler_hidden_act, pooled.data(), pooled.size());
    std::vector<float> result(c.labels.size());
    classifier_.apply(pooled.data(), 1, result.data());
    return result;
  }

  Result<Classification> classify(const std::string& text) const override {
    Classification out;
    out.input_ids = tokenize(text);
    const std::vector<int> content(out.input_ids.begin() + 1, out.input_ids.end() - 1);
    const int capacity =
        std::max(1, std::min(settings_.window_tokens, config_.max_position_embeddings) - 2);
    const int stride = std::clamp(settings_.stride_tokens, 1, capacity);
    const int benign = benign_label_index(config_.labels);
    double best = -1.0;
    std::size_t start = 0;
    for (int window = 0;; ++window) {
      const std::size_t end = std::min(content.size(), start + static_cast<std::size_t>(capacity));
      std::vector<int> ids{1};
      ids.insert(ids.end(), content.begin() + static_cast<std::ptrdiff_t>(start),
                 content.begin() + static_cast<std::ptrdiff_t>(end));
      ids.push_back(2);
      auto window_logits = logits(ids);
      if (!window_logits) return window_logits.error();
      auto probabilities = softmax(*window_logits);
      const double score = 1.0 - probabilities[static_cast<std::size_t>(benign)];
      if (score > best) {
        best = score;
        out.logits = *window_logits;
        out.probabilities = probabilities;
        out.chosen_window = window;
        out.injection_score = score;
      }
      out.windows = window + 1;
      if (end >= content.size()) break;
      start += static_cast<std::size_t>(stride);
    }
    const auto top = std::max_element(out.probabilities.begin(), out.probabilities.end());
    out.label = config_.labels[static_cast<std::size_t>(top - out.probabilities.begin())];
    out.labels = config_.labels;
    return out;
  }

 private:
  static std::vector<double> softmax(const std::vector<float>& logits) {
    const float top = *std::max_element(logits.begin(), logits.end());
    std::vector<double> result(logits.size());
    double sum = 0;
    for (std::size_t i = 0; i < logits.size(); ++i)
      sum += result[i] = std::exp(double(logits[i]) - top);
    for (auto& value : result) value /= sum;
    return result;
  }

  Matrix encoder_layer(const EncoderLayer& layer, const Matrix& input,
                       const std::vector<int>& relative, int length) const {
    const auto& c = config_;
    const int hidden = c.hidden_size;
    const int heads = c.num_attention_heads;
    const int head_size = hidden / heads;
    const std::size_t rows = static_cast<std::size_t>(length);
    Matrix q(rows * hidden), k(rows * hidden), v(rows * hidden);
    layer.query.apply(input.data(), length, q.data());
    layer.key.apply(input.data(), length, k.data());
    layer.value.apply(input.data(), length, v.data());

    const int scale_factor = 1 + (c.c2p ? 1 : 0) + (c.p2c ? 1 : 0);
    const float scale = std::sqrt(static_cast<float>(head_size) * static_cast<float>(scale_factor));
    const int span = attention_span_;
    const int positions = 2 * span;
    // Projected relative embeddings: [2*span, hidden] through key/query projections.
    Matrix pos_key, pos_query;
    if (c.relative_attention && c.c2p) {
      pos_key.resize(static_cast<std::size_t>(positions) * hidden);
      (c.share_att_key ? layer.key : layer.pos_key)
          .apply(relative_embeddings_.data(), positions, pos_key.data());
    }
    if (c.relative_attention && c.p2c) {
      pos_query.resize(static_cast<std::size_t>(positions) * hidden);
      (c.share_att_key ? layer.query : layer.pos_query)
          .apply(relative_embeddings_.data(), positions, pos_query.data());
    }
    Matrix context(rows * hidden);
    Matrix scores(rows * rows), c2p_full, p2c_full;
    if (!pos_key.empty()) c2p_full.resize(rows * positions);
    if (!pos_query.empty()) p2c_full.resize(rows * positions);
    for (int h = 0; h < heads; ++h) {
      const float* qh = q.data() + h * head_size;
      const float* kh = k.data() + h * head_size;
      const float* vh = v.data() + h * head_size;
      // scores = q k^T / scale
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, length, length, head_size, 1.0f / scale,
                  qh, hidden, kh, hidden, 0.0f, scores.data(), length);
      if (!c2p_full.empty()) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, length, positions, head_size,
                    1.0f / scale, qh, hidden, pos_key.data() + h * head_size, hidden, 0.0f,
                    c2p_full.data(), positions);
      }
      if (!p2c_full.empty()) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, length, positions, head_size,
                    1.0f / scale, kh, hidden, pos_query.data() + h * head_size, hidden, 0.0f,
                    p2c_full.data(), positions);
      }
      for (int i = 0; i < length; ++i) {
        float* row = scores.data() + static_cast<std::size_t>(i) * length;
        for (int j = 0; j < length; ++j) {
          if (!c2p_full.empty()) {
            const int index = std::clamp(relative[static_cast<std::size_t>(i) * length + j] + span,
                                         0, positions - 1);
            row[j] += c2p_full[static_cast<std::size_t>(i) * positions + index];
          }
          if (!p2c_full.empty()) {
            const int index = std::clamp(-relative[static_cast<std::size_t>(j) * length + i] + span,
                                         0, positions - 1);
            row[j] += p2c_full[static_cast<std::size_t>(j) * positions + index];
          }
        }
        const float top = *std::max_element(row, row + length);
        float sum = 0;
        for (int j = 0; j < length; ++j) sum += row[j] = std::exp(row[j] - top);
        for (int j = 0; j < length; ++j) row[j] /= sum;
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, length, head_size, length, 1.0f,
                  scores.data(), length, vh, hidden, 0.0f, context.data() + h * head_size, hidden);
    }
    Matrix attention(rows * hidden);
    layer.attention_output.apply(context.data(), length, attention.data());
    for (std::size_t i = 0; i < attention.size(); ++i) attention[i] += input[i];
    layer.attention_norm.apply(attention.data(), length, hidden);

    Matrix intermediate(rows * c.intermediate_size);
    layer.intermediate.apply(attention.data(), length, intermediate.data());
    activate(c.hidden_act, intermediate.data(), intermediate.size());
    Matrix output(rows * hidden);
    layer.output.apply(intermediate.data(), length, output.data());
    for (std::size_t i = 0; i < output.size(); ++i) output[i] += attention[i];
    layer.output_norm.apply(output.data(), length, hidden);
    return output;
  }

  DebertaConfig config_;
  SafetensorsFile weights_;
  ClassifierSettings settings_;
  sentencepiece::SentencePieceProcessor spm_;
  const TensorInfo* word_embeddings_ = nullptr;
  FloatTensor position_embeddings_;
  Linear embed_proj_;
  LayerNorm embedding_norm_;
  std::vector<EncoderLayer> layers_;
  std::vector<float> relative_embeddings_;
  int attention_span_ = 0;
  Linear pooler_;
  Linear classifier_;
};

}  // namespace

Result<std::unique_ptr<DebertaClassifier>> DebertaClassifier::load(
    const std::string& model_dir, const ClassifierSettings& settings) {
  const auto config_path = model_dir + "/config.json";
  std::ifstream stream(config_path);
  if (!stream)
    return make_error(config_path +
                      ": cannot read (is --model-dir a Hugging Face model directory?)");
  std::stringstream text;
  text << stream.rdbuf();
  auto config = parse_deberta_config(text.str(), config_path);
  if (!config) return config.error();
  auto weights = SafetensorsFile::open(model_dir + "/model.safetensors");
  if (!weights) return weights.error();
  auto engine = std::make_unique<DebertaEngine>(std::move(*config), std::move(*weights), settings);
  if (auto status = engine->init(model_dir); !status) return status.error();
  return std::unique_ptr<DebertaClassifier>(std::move(engine));
}

}  // namespace openclawd::defender
