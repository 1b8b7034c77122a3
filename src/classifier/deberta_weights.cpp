#include "deberta_weights.hpp"

#include "cpu_kernels.hpp"

namespace openclawd::defender {

Result<DebertaWeights> load_deberta_weights(const DebertaConfig& c, const SafetensorsFile& file) {
  DebertaWeights out;
  out.word_embeddings = file.info("deberta.embeddings.word_embeddings.weight");
  if (!out.word_embeddings ||
      out.word_embeddings->shape != std::vector<std::int64_t>{c.vocab_size, c.embedding_size}) {
    return make_error(file.path() +
                      ": deberta.embeddings.word_embeddings.weight is missing or not "
                      "[vocab_size, embedding_size]");
  }
  // The first failure is kept; later lookups are skipped so the error names it.
  Status status;
  auto load = [&](const std::string& name, std::vector<std::int64_t> shape) {
    FloatTensor tensor;
    if (!status) return tensor;
    auto result = file.tensor(name, shape);
    if (!result) {
      status = result.error();
      return tensor;
    }
    return std::move(*result);
  };
  auto linear = [&](const std::string& prefix, int in, int width, bool bias = true) {
    Linear layer;
    layer.in = in;
    layer.out = width;
    layer.weight = load(prefix + ".weight", {width, in});
    if (bias) layer.bias = load(prefix + ".bias", {width});
    return layer;
  };
  auto norm = [&](const std::string& prefix, int width) {
    LayerNorm layer;
    layer.eps = static_cast<float>(c.layer_norm_eps);
    layer.weight = load(prefix + ".weight", {width});
    layer.bias = load(prefix + ".bias", {width});
    return layer;
  };
  const int hidden = c.hidden_size;
  if (c.position_biased_input) {
    out.position_embeddings = load("deberta.embeddings.position_embeddings.weight",
                                   {c.max_position_embeddings, c.embedding_size});
  }
  if (c.embedding_size != hidden) {
    out.embed_proj = linear("deberta.embeddings.embed_proj", c.embedding_size, hidden, false);
  }
  out.embedding_norm = norm("deberta.embeddings.LayerNorm", hidden);
  for (int i = 0; i < c.num_hidden_layers; ++i) {
    const auto prefix = "deberta.encoder.layer." + std::to_string(i);
    EncoderLayer layer;
    layer.query = linear(prefix + ".attention.self.query_proj", hidden, hidden);
    layer.key = linear(prefix + ".attention.self.key_proj", hidden, hidden);
    layer.value = linear(prefix + ".attention.self.value_proj", hidden, hidden);
    if (c.relative_attention && !c.share_att_key) {
      if (c.c2p) layer.pos_key = linear(prefix + ".attention.self.pos_key_proj", hidden, hidden);
      if (c.p2c) {
        layer.pos_query = linear(prefix + ".attention.self.pos_query_proj", hidden, hidden);
      }
    }
    layer.attention_output = linear(prefix + ".attention.output.dense", hidden, hidden);
    layer.attention_norm = norm(prefix + ".attention.output.LayerNorm", hidden);
    layer.intermediate = linear(prefix + ".intermediate.dense", hidden, c.intermediate_size);
    layer.output = linear(prefix + ".output.dense", c.intermediate_size, hidden);
    layer.output_norm = norm(prefix + ".output.LayerNorm", hidden);
    out.layers.push_back(std::move(layer));
  }
  if (c.relative_attention) {
    out.attention_span = c.position_buckets > 0 ? c.position_buckets : c.max_relative_positions;
    const int positions = 2 * out.attention_span;
    auto table = load("deberta.encoder.rel_embeddings.weight", {positions, hidden});
    if (!status) return status.error();
    out.relative_embeddings.assign(table.data, table.data + table.size());
    if (c.norm_rel_ebd_layer_norm) {
      auto rel_norm = norm("deberta.encoder.LayerNorm", hidden);
      if (!status) return status.error();
      kernels::add_and_layer_norm(
          out.relative_embeddings.data(), nullptr, static_cast<std::size_t>(positions),
          static_cast<std::size_t>(hidden), rel_norm.weight.data, rel_norm.bias.data, rel_norm.eps);
    }
  }
  out.pooler = linear("pooler.dense", hidden, c.pooler_hidden_size);
  out.classifier = linear("classifier", c.pooler_hidden_size, static_cast<int>(c.labels.size()));
  if (!status) return status.error();
  return out;
}

}  // namespace openclawd::defender
