// The DeBERTa-v2 forward pass, following transformers' DebertaV2ForSequenceClassification:
// embeddings -> N x (disentangled self-attention + FFN) -> pooler -> classifier.
// Matrices are row-major float32. Several windows go through one pass: their rows
// are stacked, so each projection is one matrix product over all of them, and
// attention runs per (window, head). The engine's own WorkerPool splits the work;
// OpenBLAS runs single-threaded inside each piece.
#include <cblas.h>
#include <sentencepiece_processor.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>

#include "cpu_kernels.hpp"
#include "deberta_weights.hpp"
#include "openclawd/classifier/model.hpp"
#include "openclawd/classifier/safetensors.hpp"
#include "relative_positions.hpp"
#include "worker_pool.hpp"

extern "C" void openblas_set_num_threads(int);

namespace openclawd::defender {
namespace {

using Matrix = std::vector<float>;  // rows x cols, row-major

// Grows a buffer without shrinking it, so passes after the first allocate nothing.
float* reserve(Matrix& matrix, std::size_t size) {
  if (matrix.size() < size) matrix.resize(size);
  return matrix.data();
}

void activate(const std::string& name, float* x, std::size_t count) {
  if (name == "gelu") {
    kernels::gelu_erf(x, count);
  } else if (name == "gelu_new") {
    kernels::gelu_tanh(x, count);
  } else if (name == "relu") {
    kernels::relu(x, count);
  } else {
    kernels::tanh_in_place(x, count);
  }
}

// One window of a pass: where its rows are and which relative rows it reads.
struct WindowInPass {
  const std::vector<int>* ids = nullptr;
  std::size_t first_row = 0;
  int length = 0;
  RelativePositions positions;
};

// Scratch for one (window, head) attention task; one set per pool worker.
struct HeadScratch {
  Matrix scores, content_to_position, position_to_content, transposed;
};

class DebertaEngine final : public DebertaClassifier {
 public:
  DebertaEngine(DebertaConfig config, SafetensorsFile file, ClassifierSettings settings)
      : config_(std::move(config)),
        file_(std::move(file)),
        settings_(settings),
        pool_(std::max(1, settings.threads)),
        head_scratch_(static_cast<std::size_t>(pool_.size())) {
    settings_.max_batch = std::max(1, settings_.max_batch);
  }

  Status init(const std::string& model_dir) {
    const auto spm_path = model_dir + "/spm.model";
    if (auto status = spm_.Load(spm_path); !status.ok()) {
      return make_error(spm_path + ": cannot load the SentencePiece model: " + status.ToString());
    }
    auto loaded = load_deberta_weights(config_, file_);
    if (!loaded) return loaded.error();
    model_ = std::move(*loaded);
    // Parallelism is the pool's; OpenBLAS threads inside each piece would only contend.
    openblas_set_num_threads(1);
    // The relative embeddings through each layer's key and query projections do not
    // depend on the text: computed once here instead of in every pass.
    const auto& c = config_;
    const auto positions =
        model_.relative_embeddings.size() / static_cast<std::size_t>(c.hidden_size);
    for (auto& layer : model_.layers) {
      if (c.relative_attention && c.c2p) {
        layer.projected_positions_for_keys.resize(model_.relative_embeddings.size());
        project(c.share_att_key ? layer.key : layer.pos_key, model_.relative_embeddings.data(),
                positions, layer.projected_positions_for_keys.data());
      }
      if (c.relative_attention && c.p2c) {
        layer.projected_positions_for_queries.resize(model_.relative_embeddings.size());
        project(c.share_att_key ? layer.query : layer.pos_query, model_.relative_embeddings.data(),
                positions, layer.projected_positions_for_queries.data());
      }
    }
    model_.relative_embeddings = {};  // only the projections are read from now on
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
    auto result = forward({&ids});
    if (!result) return result.error();
    return std::move(result->front());
  }

  Result<std::vector<std::vector<float>>> logits_batch(
      const std::vector<std::vector<int>>& windows) const override {
    std::vector<std::vector<float>> out;
    for (std::size_t start = 0; start < windows.size();
         start += static_cast<std::size_t>(settings_.max_batch)) {
      const auto end =
          std::min(windows.size(), start + static_cast<std::size_t>(settings_.max_batch));
      std::vector<const std::vector<int>*> group;
      for (std::size_t i = start; i < end; ++i) group.push_back(&windows[i]);
      auto result = forward(group);
      if (!result) return result.error();
      for (auto& row : *result) out.push_back(std::move(row));
    }
    return out;
  }

  Result<Classification> classify(const std::string& text) const override {
    auto result = classify_batch({text});
    if (!result) return result.error();
    return std::move(result->front());
  }

  Result<std::vector<Classification>> classify_batch(
      const std::vector<std::string>& texts) const override {
    std::vector<Classification> out(texts.size());
    std::vector<std::vector<int>> windows;
    std::vector<std::size_t> owner;  // text index of each window
    for (std::size_t t = 0; t < texts.size(); ++t) {
      out[t].input_ids = tokenize(texts[t]);
      for (auto& window : split_into_windows(out[t].input_ids)) {
        windows.push_back(std::move(window));
        owner.push_back(t);
      }
      out[t].injection_score = -1.0;
    }
    auto all_logits = logits_batch(windows);
    if (!all_logits) return all_logits.error();
    const int benign = benign_label_index(config_.labels);
    for (std::size_t w = 0; w < windows.size(); ++w) {
      auto& result = out[owner[w]];
      auto probabilities = softmax((*all_logits)[w]);
      const double score = 1.0 - probabilities[static_cast<std::size_t>(benign)];
      if (score > result.injection_score) {
        result.injection_score = score;
        result.logits = (*all_logits)[w];
        result.probabilities = std::move(probabilities);
        result.chosen_window = result.windows;
      }
      ++result.windows;
    }
    for (auto& result : out) {
      const auto top = std::max_element(result.probabilities.begin(), result.probabilities.end());
      result.label = config_.labels[static_cast<std::size_t>(top - result.probabilities.begin())];
      result.labels = config_.labels;
    }
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

  // [CLS] + content + [SEP] windows covering all of the content, overlapping by
  // window - stride tokens; a text that fits is one window.
  std::vector<std::vector<int>> split_into_windows(const std::vector<int>& input_ids) const {
    const std::vector<int> content(input_ids.begin() + 1, input_ids.end() - 1);
    const int capacity =
        std::max(1, std::min(settings_.window_tokens, config_.max_position_embeddings) - 2);
    const int stride = std::clamp(settings_.stride_tokens, 1, capacity);
    std::vector<std::vector<int>> windows;
    for (std::size_t start = 0;; start += static_cast<std::size_t>(stride)) {
      const std::size_t end = std::min(content.size(), start + static_cast<std::size_t>(capacity));
      std::vector<int> ids{1};
      ids.insert(ids.end(), content.begin() + static_cast<std::ptrdiff_t>(start),
                 content.begin() + static_cast<std::ptrdiff_t>(end));
      ids.push_back(2);
      windows.push_back(std::move(ids));
      if (end >= content.size()) break;
    }
    return windows;
  }

  // y[rows, out] = x[rows, in] W^T + b, the output columns split over the pool.
  void project(const Linear& layer, const float* x, std::size_t rows, float* y) const {
    const auto in = static_cast<std::size_t>(layer.in);
    const auto out = static_cast<std::size_t>(layer.out);
    constexpr std::size_t kColumnAlignment = 16;  // whole SIMD panels per piece
    const std::size_t parts =
        std::clamp<std::size_t>(out / 64, 1, static_cast<std::size_t>(pool_.size()));
    const std::size_t chunk =
        (out + parts * kColumnAlignment - 1) / (parts * kColumnAlignment) * kColumnAlignment;
    pool_.run(parts, [&](std::size_t part, int) {
      const std::size_t begin = part * chunk;
      const std::size_t end = std::min(out, begin + chunk);
      if (begin >= end) return;
      const std::size_t width = end - begin;
      for (std::size_t r = 0; r < rows; ++r) {
        float* row = y + r * out + begin;
        if (layer.bias.data) {
          std::copy(layer.bias.data + begin, layer.bias.data + end, row);
        } else {
          std::fill(row, row + width, 0.0f);
        }
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows),
                  static_cast<int>(width), static_cast<int>(in), 1.0f, x, static_cast<int>(in),
                  layer.weight.data + begin * in, static_cast<int>(in), 1.0f, y + begin,
                  static_cast<int>(out));
    });
  }

  // Runs step(begin, end) over [0, rows) in one piece per pool thread.
  template <typename Step>
  void for_row_blocks(std::size_t rows, const Step& step) const {
    const std::size_t parts =
        std::clamp<std::size_t>(rows, 1, static_cast<std::size_t>(pool_.size()));
    const std::size_t chunk = (rows + parts - 1) / parts;
    pool_.run(parts, [&](std::size_t part, int) {
      const std::size_t begin = part * chunk;
      const std::size_t end = std::min(rows, begin + chunk);
      if (begin < end) step(begin, end);
    });
  }

  void add_and_normalize(const LayerNorm& norm, float* x, const float* residual,
                         std::size_t rows) const {
    const auto width = static_cast<std::size_t>(config_.hidden_size);
    for_row_blocks(rows, [&](std::size_t begin, std::size_t end) {
      kernels::add_and_layer_norm(x + begin * width, residual ? residual + begin * width : nullptr,
                                  end - begin, width, norm.weight.data, norm.bias.data, norm.eps);
    });
  }

  Result<std::vector<std::vector<float>>> forward(
      const std::vector<const std::vector<int>*>& ids_per_window) const {
    const auto& c = config_;
    std::vector<WindowInPass> windows;
    std::size_t rows = 0;
    for (const auto* ids : ids_per_window) {
      const int length = static_cast<int>(ids->size());
      if (length == 0 || length > c.max_position_embeddings) {
        return make_error("window of " + std::to_string(length) +
                          " tokens does not fit the model (" +
                          std::to_string(c.max_position_embeddings) + ")");
      }
      for (int id : *ids) {
        if (id < 0 || id >= c.vocab_size) return make_error("token id out of vocabulary");
      }
      WindowInPass window;
      window.ids = ids;
      window.first_row = rows;
      window.length = length;
      if (c.relative_attention)
        window.positions = relative_positions(c, model_.attention_span, length);
      windows.push_back(std::move(window));
      rows += static_cast<std::size_t>(length);
    }
    // One pass at a time per engine: the pool and the buffers are shared.
    std::lock_guard lock(pass_mutex_);
    const auto hidden = static_cast<std::size_t>(c.hidden_size);
    const auto embedding = static_cast<std::size_t>(c.embedding_size);
    float* states = reserve(states_, rows * hidden);
    float* embedded = embedding != hidden ? reserve(embedded_, rows * embedding) : states;
    for (const auto& window : windows) {
      for (int t = 0; t < window.length; ++t) {
        float* row = embedded + (window.first_row + static_cast<std::size_t>(t)) * embedding;
        const auto id = static_cast<std::size_t>((*window.ids)[static_cast<std::size_t>(t)]);
        if (auto read = file_.read_row(*model_.word_embeddings, id, row); !read) {
          return read.error();
        }
        if (model_.position_embeddings.data) {
          const float* position =
              model_.position_embeddings.data + static_cast<std::size_t>(t) * embedding;
          for (std::size_t i = 0; i < embedding; ++i) row[i] += position[i];
        }
      }
    }
    if (embedding != hidden) project(model_.embed_proj, embedded, rows, states);
    add_and_normalize(model_.embedding_norm, states, nullptr, rows);

    // Only the [CLS] rows leave the last layer: the pooler reads nothing else.
    for (std::size_t l = 0; l + 1 < model_.layers.size(); ++l)
      encoder_layer(model_.layers[l], windows, rows);
    const std::size_t count = windows.size();
    const float* first_rows = nullptr;
    if (!model_.layers.empty()) {
      first_rows = last_encoder_layer(model_.layers.back(), windows, rows);
    } else {
      first_rows = gather_first_rows(windows, states_.data());
    }

    // Pooler and classifier on each window's [CLS] row.
    Matrix pooled(count * static_cast<std::size_t>(c.pooler_hidden_size));
    project(model_.pooler, first_rows, count, pooled.data());
    activate(c.pooler_hidden_act, pooled.data(), pooled.size());
    const std::size_t labels = c.labels.size();
    Matrix scores(count * labels);
    project(model_.classifier, pooled.data(), count, scores.data());
    std::vector<std::vector<float>> out(count);
    for (std::size_t w = 0; w < count; ++w) {
      out[w].assign(scores.begin() + static_cast<std::ptrdiff_t>(w * labels),
                    scores.begin() + static_cast<std::ptrdiff_t>((w + 1) * labels));
    }
    return out;
  }

  // Disentangled self-attention of one head of one window, into its columns of context.
  void attend(const EncoderLayer& layer, const WindowInPass& window, int head,
              HeadScratch& scratch) const {
    const auto& c = config_;
    const auto hidden = static_cast<std::size_t>(c.hidden_size);
    const auto head_size = hidden / static_cast<std::size_t>(c.num_attention_heads);
    const int length = window.length;
    const auto n = static_cast<std::size_t>(length);
    const std::size_t column = static_cast<std::size_t>(head) * head_size;
    const std::size_t offset = window.first_row * hidden + column;
    const float* q = queries_.data() + offset;
    const float* k = keys_.data() + offset;
    const float* v = values_.data() + offset;
    const float inverse_scale = attention_scale();
    const int ld = static_cast<int>(hidden);
    const int hs = static_cast<int>(head_size);
    float* scores = reserve(scratch.scores, n * n);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, length, length, hs, inverse_scale, q, ld,
                k, ld, 0.0f, scores, length);
    const auto& positions = window.positions;
    const int used = positions.row_count;
    const std::size_t first = static_cast<std::size_t>(positions.first_row) * hidden + column;
    if (c.relative_attention && c.c2p) {
      // c2p: query i against the relative embedding of (i - j).
      float* c2p = reserve(scratch.content_to_position, n * static_cast<std::size_t>(used));
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, length, used, hs, inverse_scale, q, ld,
                  layer.projected_positions_for_keys.data() + first, ld, 0.0f, c2p, used);
      for (std::size_t i = 0; i < n; ++i) {
        kernels::add_gathered(scores + i * n, c2p + i * static_cast<std::size_t>(used),
                              positions.row_by_reversed_distance.data() + (n - 1 - i), n);
      }
    }
    if (c.relative_attention && c.p2c) {
      // p2c: key j against the relative embedding of (i - j) (the bucketing is odd,
      // so transformers' -r(j, i) is r(i, j)); gathered per key row, added transposed.
      float* p2c = reserve(scratch.position_to_content, n * static_cast<std::size_t>(used));
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, length, used, hs, inverse_scale, k, ld,
                  layer.projected_positions_for_queries.data() + first, ld, 0.0f, p2c, used);
      float* by_key = reserve(scratch.transposed, n * n);
      for (std::size_t j = 0; j < n; ++j) {
        kernels::gather(by_key + j * n, p2c + j * static_cast<std::size_t>(used),
                        positions.row_by_distance.data() + (n - 1 - j), n);
      }
      kernels::add_transposed(scores, n, by_key, n, n, n);
    }
    for (std::size_t i = 0; i < n; ++i) kernels::softmax(scores + i * n, n);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, length, hs, length, 1.0f, scores, length,
                v, ld, 0.0f, context_.data() + offset, ld);
  }

  // Each window's first row of `matrix` ([rows, hidden]), stacked.
  const float* gather_first_rows(const std::vector<WindowInPass>& windows,
                                 const float* matrix) const {
    const auto hidden = static_cast<std::size_t>(config_.hidden_size);
    float* out = reserve(first_rows_, windows.size() * hidden);
    for (std::size_t w = 0; w < windows.size(); ++w) {
      std::copy_n(matrix + windows[w].first_row * hidden, hidden, out + w * hidden);
    }
    return out;
  }

  // 1 / sqrt(head size x the number of score terms): DeBERTa's attention scale.
  float attention_scale() const {
    const auto& c = config_;
    const int head_size = c.hidden_size / c.num_attention_heads;
    const int terms = 1 + (c.c2p ? 1 : 0) + (c.p2c ? 1 : 0);  // as transformers counts them
    return 1.0f / std::sqrt(static_cast<float>(head_size * terms));
  }

  // Attention of the [CLS] query of one window, one head: the last layer's only
  // query row. Keys and values are those of every row of the window.
  void attend_first_row(const EncoderLayer& layer, const WindowInPass& window, std::size_t w,
                        int head, HeadScratch& scratch) const {
    const auto& c = config_;
    const auto hidden = static_cast<std::size_t>(c.hidden_size);
    const auto head_size = hidden / static_cast<std::size_t>(c.num_attention_heads);
    const int length = window.length;
    const auto n = static_cast<std::size_t>(length);
    const std::size_t column = static_cast<std::size_t>(head) * head_size;
    const float* q = queries_.data() + w * hidden + column;
    const float* k = keys_.data() + window.first_row * hidden + column;
    const float* v = values_.data() + window.first_row * hidden + column;
    const float inverse_scale = attention_scale();
    const int ld = static_cast<int>(hidden);
    const int hs = static_cast<int>(head_size);
    float* scores = reserve(scratch.scores, n);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, length, hs, inverse_scale, k, ld, q, 1, 0.0f, scores,
                1);
    const auto& positions = window.positions;
    // Row of the relative embedding for the pair (0, j), j = 0 .. length - 1.
    const int* row_of_key = positions.row_by_reversed_distance.data() + (n - 1);
    const std::size_t first = static_cast<std::size_t>(positions.first_row) * hidden + column;
    if (c.relative_attention && c.c2p) {
      float* c2p =
          reserve(scratch.content_to_position, static_cast<std::size_t>(positions.row_count));
      cblas_sgemv(CblasRowMajor, CblasNoTrans, positions.row_count, hs, inverse_scale,
                  layer.projected_positions_for_keys.data() + first, ld, q, 1, 0.0f, c2p, 1);
      kernels::add_gathered(scores, c2p, row_of_key, n);
    }
    if (c.relative_attention && c.p2c) {
      const float* position_queries = layer.projected_positions_for_queries.data() + first;
      for (std::size_t j = 0; j < n; ++j) {
        const float* key = k + j * hidden;
        const float* position = position_queries + static_cast<std::size_t>(row_of_key[j]) * hidden;
        float dot = 0.0f;
        for (std::size_t d = 0; d < head_size; ++d) dot += key[d] * position[d];
        scores[j] += dot * inverse_scale;
      }
    }
    kernels::softmax(scores, n);
    cblas_sgemv(CblasRowMajor, CblasTrans, length, hs, 1.0f, v, ld, scores, 1, 0.0f,
                context_.data() + w * hidden + column, 1);
  }

  // The last layer for the [CLS] rows only; returns them ([windows, hidden]).
  const float* last_encoder_layer(const EncoderLayer& layer,
                                  const std::vector<WindowInPass>& windows,
                                  std::size_t rows) const {
    const auto& c = config_;
    const auto hidden = static_cast<std::size_t>(c.hidden_size);
    const auto heads = static_cast<std::size_t>(c.num_attention_heads);
    const std::size_t count = windows.size();
    const float* input = states_.data();
    project(layer.key, input, rows, reserve(keys_, rows * hidden));
    project(layer.value, input, rows, reserve(values_, rows * hidden));
    const float* first_input = gather_first_rows(windows, input);
    project(layer.query, first_input, count, reserve(queries_, count * hidden));
    reserve(context_, count * hidden);
    pool_.run(count * heads, [&](std::size_t task, int worker) {
      attend_first_row(layer, windows[task / heads], task / heads, static_cast<int>(task % heads),
                       head_scratch_[static_cast<std::size_t>(worker)]);
    });
    float* output = reserve(states_, count * hidden);
    finish_layer(layer, first_input, count, output);
    return output;
  }

  // The rest of a layer once context_ holds the attention of `rows` rows: output
  // projection, residual (`input`) + norm, feed-forward, residual + norm, into `output`.
  // `output` may be `input`: the input is read for the last time before it is written.
  void finish_layer(const EncoderLayer& layer, const float* input, std::size_t rows,
                    float* output) const {
    const auto& c = config_;
    const auto hidden = static_cast<std::size_t>(c.hidden_size);
    float* attention = reserve(attention_, rows * hidden);
    project(layer.attention_output, context_.data(), rows, attention);
    add_and_normalize(layer.attention_norm, attention, input, rows);
    const auto inner = static_cast<std::size_t>(c.intermediate_size);
    float* intermediate = reserve(intermediate_, rows * inner);
    project(layer.intermediate, attention, rows, intermediate);
    for_row_blocks(rows, [&](std::size_t begin, std::size_t end) {
      activate(c.hidden_act, intermediate + begin * inner, (end - begin) * inner);
    });
    project(layer.output, intermediate, rows, output);
    add_and_normalize(layer.output_norm, output, attention, rows);
  }

  void encoder_layer(const EncoderLayer& layer, const std::vector<WindowInPass>& windows,
                     std::size_t rows) const {
    const auto& c = config_;
    const auto hidden = static_cast<std::size_t>(c.hidden_size);
    const auto heads = static_cast<std::size_t>(c.num_attention_heads);
    const float* input = states_.data();
    project(layer.query, input, rows, reserve(queries_, rows * hidden));
    project(layer.key, input, rows, reserve(keys_, rows * hidden));
    project(layer.value, input, rows, reserve(values_, rows * hidden));
    reserve(context_, rows * hidden);
    pool_.run(windows.size() * heads, [&](std::size_t task, int worker) {
      attend(layer, windows[task / heads], static_cast<int>(task % heads),
             head_scratch_[static_cast<std::size_t>(worker)]);
    });
    // The layer's output replaces its input in states_.
    finish_layer(layer, input, rows, states_.data());
  }

  DebertaConfig config_;
  SafetensorsFile file_;  // mapped for as long as the engine lives: model_ points into it
  ClassifierSettings settings_;
  sentencepiece::SentencePieceProcessor spm_;
  DebertaWeights model_;

  // Shared by every pass, so guarded by pass_mutex_ (the engine is const to callers).
  mutable std::mutex pass_mutex_;
  mutable WorkerPool pool_;
  mutable std::vector<HeadScratch> head_scratch_;
  mutable Matrix states_, embedded_, queries_, keys_, values_, context_, attention_, intermediate_,
      first_rows_;
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
