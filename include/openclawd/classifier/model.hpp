#pragma once
// An in-process DeBERTa-v2/v3 sequence classifier (DebertaV2ForSequenceClassification
// semantics) loaded from a Hugging Face model directory: config.json,
// model.safetensors (memory-mapped) and spm.model (SentencePiece).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::defender {

// The config.json fields the forward pass depends on.
struct DebertaConfig {
  int vocab_size = 0;
  int hidden_size = 0;
  int embedding_size = 0;  // == hidden_size unless the checkpoint projects embeddings
  int num_hidden_layers = 0;
  int num_attention_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 512;
  int max_relative_positions = -1;  // <1: max_position_embeddings
  int position_buckets = -1;        // <=0: no log buckets
  bool relative_attention = true;
  bool position_biased_input = false;
  bool share_att_key = true;
  bool c2p = false;
  bool p2c = false;
  bool norm_rel_ebd_layer_norm = false;
  double layer_norm_eps = 1e-7;
  std::string hidden_act = "gelu";
  int pooler_hidden_size = 0;
  std::string pooler_hidden_act = "gelu";
  std::vector<std::string> labels;  // id2label in id order
};

// Parses config.json text; `source` names the file in errors.
Result<DebertaConfig> parse_deberta_config(const std::string& json_text, const std::string& source);

struct ClassifierSettings {
  int window_tokens = 512;  // including [CLS] and [SEP]
  int stride_tokens = 256;  // step between window starts when a text is longer
  int threads = 1;          // cores one forward pass uses (this engine's own threads)
  int max_batch = 8;        // windows stacked into one forward pass
};

struct Classification {
  std::string label;
  std::vector<std::string> labels;    // names of the probabilities below
  std::vector<double> probabilities;  // per label, softmax of the chosen window's logits
  std::vector<float> logits;          // of the chosen window
  std::vector<int> input_ids;         // of the whole text: [CLS] ids [SEP]
  int windows = 0;
  int chosen_window = 0;  // the window with the highest non-benign probability
  double injection_score = 0.0;
};

// Anything that scores a text: the in-process engine, an HTTP model server.
// Implementations are safe to call from several threads at once (the in-process
// engine runs one forward pass at a time and queues the others).
class TextClassifier {
 public:
  virtual ~TextClassifier() = default;
  virtual Result<Classification> classify(const std::string& text) const = 0;
  // Several texts at once (one HTTP request per max_batch texts; the engine
  // stacks up to max_batch windows into each forward pass). One result per text,
  // in order; any failure fails all.
  virtual Result<std::vector<Classification>> classify_batch(
      const std::vector<std::string>& texts) const;
};

class DebertaClassifier : public TextClassifier {
 public:
  static Result<std::unique_ptr<DebertaClassifier>> load(const std::string& model_dir,
                                                         const ClassifierSettings& settings);
  virtual ~DebertaClassifier() = default;

  virtual const DebertaConfig& config() const = 0;
  // [CLS] + SentencePiece ids + [SEP], as transformers' DebertaV2Tokenizer.
  virtual std::vector<int> tokenize(const std::string& text) const = 0;
  // Logits of one window of token ids (must fit max_position_embeddings).
  virtual Result<std::vector<float>> logits(const std::vector<int>& input_ids) const = 0;
  // Logits of several windows (any lengths), max_batch of them per forward pass.
  // Same numbers as logits() on each, up to float rounding.
  virtual Result<std::vector<std::vector<float>>> logits_batch(
      const std::vector<std::vector<int>>& windows) const = 0;
  // Tokenizes, splits into overlapping windows, scores them all, keeps the worst.
  Result<Classification> classify(const std::string& text) const override = 0;
  Result<std::vector<Classification>> classify_batch(
      const std::vector<std::string>& texts) const override = 0;
};

// Index of the label that means "not an attack" (benign/safe), or 0 if none says so.
int benign_label_index(const std::vector<std::string>& labels);
// True for the names models give to "not an attack": BENIGN, SAFE (any case).
bool is_benign_label(const std::string& label);

}  // namespace openclawd::defender
