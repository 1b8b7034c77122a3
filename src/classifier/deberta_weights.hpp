#pragma once
// The tensors of a DebertaV2ForSequenceClassification checkpoint, looked up by
// their Hugging Face names and checked against config.json's shapes. They point
// into the memory-mapped safetensors file (or hold a float copy of F16/BF16 data).

#include <vector>

#include "openclawd/classifier/model.hpp"
#include "openclawd/classifier/safetensors.hpp"

namespace openclawd::defender {

struct Linear {
  FloatTensor weight;  // [out, in]
  FloatTensor bias;    // [out], may be empty
  int in = 0;
  int out = 0;
};

struct LayerNorm {
  FloatTensor weight;
  FloatTensor bias;
  float eps = 1e-7f;
};

struct EncoderLayer {
  Linear query, key, value, pos_key, pos_query, attention_output, intermediate, output;
  LayerNorm attention_norm, output_norm;
  // The relative embeddings through this layer's key and query projections,
  // [2 * span, hidden]; filled by the engine (they do not depend on the text).
  std::vector<float> projected_positions_for_keys;     // c2p
  std::vector<float> projected_positions_for_queries;  // p2c
};

struct DebertaWeights {
  const TensorInfo* word_embeddings = nullptr;  // read row by row, never mapped in whole
  FloatTensor position_embeddings;              // only with position_biased_input
  Linear embed_proj;                            // only when embedding_size != hidden_size
  LayerNorm embedding_norm;
  std::vector<EncoderLayer> layers;
  int attention_span = 0;  // the relative table has 2 * span rows
  // The relative-embedding table, LayerNorm already applied when the config asks.
  std::vector<float> relative_embeddings;  // [2 * span, hidden]
  Linear pooler;
  Linear classifier;
};

// Every tensor the forward pass needs; a missing one or a shape that disagrees
// with config.json is an error naming the file and the tensor.
Result<DebertaWeights> load_deberta_weights(const DebertaConfig& config,
                                            const SafetensorsFile& file);

}  // namespace openclawd::defender
