#!/usr/bin/python3
"""Exports a benchmark model directory (config.json + F32 model.safetensors, as
run_bench.py writes them) to ONNX for the ONNX Runtime column of the benchmark.

Usage: export_onnx.py MODEL_DIR [--out PATH]
Writes PATH (default MODEL_DIR/model.onnx; opset 17, input `input_ids` int64
[batch, sequence], output `logits` float [batch, labels], both axes dynamic) and
PATH.check.json: token windows and the logits of the PyTorch reference
(tests/unit/classifier/make_tiny_models.py reference_logits) for them, which
ort_bench.mjs compares ONNX Runtime's output against before it times anything.

reference_logits runs one sequence and takes Python lists, so torch.onnx.export
cannot trace it; DebertaForExport below is the same computation batched over
equal-length, unpadded windows, with the relative-position indices precomputed for
the longest window. Before exporting, its logits are checked against
reference_logits on the check windows, so the graph and the reference agree.
"""
import argparse
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../unit/classifier"))
sys.path.insert(0, HERE)

import make_tiny_models as tiny  # noqa: E402
from run_bench import load_safetensors, token_ids  # noqa: E402

OPSET = 17
TOLERANCE = 1e-4  # absolute, on logits of order 1


def attribute_name(weight_name):
    return "w_" + weight_name.replace(".", "__")


class DebertaForExport(torch.nn.Module):
    """DebertaV2ForSequenceClassification (eval) on input_ids [batch, sequence]."""

    def __init__(self, cfg, weights):
        super().__init__()
        self.cfg = cfg
        for name, tensor in weights.items():
            self.register_buffer(attribute_name(name), tensor)
        max_rel = cfg["max_relative_positions"]
        if max_rel < 1:
            max_rel = cfg["max_position_embeddings"]
        buckets = cfg["position_buckets"]
        self.span = buckets if buckets > 0 else max_rel
        longest = cfg["max_position_embeddings"]
        rel = torch.arange(longest)[:, None] - torch.arange(longest)[None, :]
        if buckets > 0:
            rel = tiny.log_bucket(rel, buckets, max_rel)
        # rel depends only on i - j, so the top-left n x n corner serves any n <= longest.
        self.register_buffer("c2p_index", torch.clamp(rel + self.span, 0, 2 * self.span - 1))
        self.register_buffer("p2c_index", torch.clamp(-rel + self.span, 0, 2 * self.span - 1))
        types = cfg["pos_att_type"]
        self.types = types.split("|") if isinstance(types, str) else list(types)

    def w(self, name):
        return getattr(self, attribute_name(name))

    def has(self, name):
        return hasattr(self, attribute_name(name))

    def ln(self, x, prefix):
        return torch.nn.functional.layer_norm(x, (self.cfg["hidden_size"],), self.w(prefix + ".weight"),
                                              self.w(prefix + ".bias"), self.cfg["layer_norm_eps"])

    def lin(self, x, prefix):
        bias = self.w(prefix + ".bias") if self.has(prefix + ".bias") else None
        return torch.nn.functional.linear(x, self.w(prefix + ".weight"), bias)

    def forward(self, input_ids):
        cfg = self.cfg
        H = cfg["hidden_size"]
        heads = cfg["num_attention_heads"]
        d = H // heads
        n = input_ids.shape[1]
        x = torch.nn.functional.embedding(input_ids, self.w("deberta.embeddings.word_embeddings.weight"))
        if cfg["position_biased_input"]:
            x = x + self.w("deberta.embeddings.position_embeddings.weight")[:n]
        if cfg.get("embedding_size", H) != H:
            x = self.lin(x, "deberta.embeddings.embed_proj")
        x = self.ln(x, "deberta.embeddings.LayerNorm")
        rel_emb = self.w("deberta.encoder.rel_embeddings.weight")[: 2 * self.span]
        if "layer_norm" in cfg["norm_rel_ebd"]:
            rel_emb = self.ln(rel_emb, "deberta.encoder.LayerNorm")
        c2p_index = self.c2p_index[:n, :n]
        p2c_index = self.p2c_index[:n, :n]
        scale = math.sqrt(d * (1 + ("c2p" in self.types) + ("p2c" in self.types)))

        def split(t):  # [batch, len, H] -> [batch, heads, len, d]
            return t.reshape(t.shape[0], t.shape[1], heads, d).transpose(1, 2)

        def split_positions(t):  # [2 * span, H] -> [heads, 2 * span, d]
            return t.reshape(t.shape[0], heads, d).transpose(0, 1)

        for i in range(cfg["num_hidden_layers"]):
            p = f"deberta.encoder.layer.{i}"
            q = split(self.lin(x, p + ".attention.self.query_proj"))
            k = split(self.lin(x, p + ".attention.self.key_proj"))
            v = split(self.lin(x, p + ".attention.self.value_proj"))
            scores = q @ k.transpose(-1, -2) / scale
            shared = cfg["share_att_key"]
            key_proj = ".attention.self.key_proj" if shared else ".attention.self.pos_key_proj"
            query_proj = ".attention.self.query_proj" if shared else ".attention.self.pos_query_proj"
            if "c2p" in self.types:
                pos_k = split_positions(self.lin(rel_emb, p + key_proj))
                c2p = q @ pos_k.transpose(-1, -2)
                scores = scores + torch.gather(c2p, -1, c2p_index.expand(scores.shape)) / scale
            if "p2c" in self.types:
                pos_q = split_positions(self.lin(rel_emb, p + query_proj))
                p2c = k @ pos_q.transpose(-1, -2)
                gathered = torch.gather(p2c, -1, p2c_index.expand(scores.shape))
                scores = scores + gathered.transpose(-1, -2) / scale
            probs = torch.softmax(scores, -1)
            context = (probs @ v).transpose(1, 2).flatten(2)
            attn = self.ln(self.lin(context, p + ".attention.output.dense") + x,
                           p + ".attention.output.LayerNorm")
            inter = tiny.act(cfg["hidden_act"], self.lin(attn, p + ".intermediate.dense"))
            x = self.ln(self.lin(inter, p + ".output.dense") + attn, p + ".output.LayerNorm")
        pooled = tiny.act("gelu", self.lin(x[:, 0], "pooler.dense"))
        return self.lin(pooled, "classifier")


def check_windows(cfg):
    """The benchmark's own window plus a batch of two shorter, different windows."""
    vocab = cfg["vocab_size"]
    longest = min(512, cfg["max_position_embeddings"])
    other = [5 + (i * 104729 + 13) % (vocab - 5) for i in range(64)]
    other[0], other[-1] = 1, 2
    return [[token_ids(longest, vocab)], [token_ids(64, vocab), other]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("--out")
    args = parser.parse_args()
    out = args.out or os.path.join(args.model_dir, "model.onnx")
    with open(os.path.join(args.model_dir, "config.json")) as f:
        cfg = json.load(f)
    weights = load_safetensors(os.path.join(args.model_dir, "model.safetensors"))
    module = DebertaForExport(cfg, weights).eval()
    cases = []
    with torch.no_grad():
        for windows in check_windows(cfg):
            reference = torch.stack([tiny.reference_logits(cfg, weights, ids) for ids in windows])
            batched = module(torch.tensor(windows, dtype=torch.int64))
            difference = (batched - reference).abs().max().item()
            if difference > TOLERANCE:
                sys.exit(f"export_onnx.py: the export module differs from reference_logits by {difference} "
                         f"on {len(windows)}x{len(windows[0])} tokens; fix DebertaForExport")
            cases.append({"input_ids": windows, "logits": reference.tolist()})
        # Two windows of a length no check uses, so nothing in the graph is fixed to one shape.
        example = torch.tensor(token_ids(16, cfg["vocab_size"]), dtype=torch.int64).repeat(2, 1)
        partial = out + ".partial"
        torch.onnx.export(module, (example,), partial, opset_version=OPSET, input_names=["input_ids"],
                          output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}},
                          do_constant_folding=True)
    with open(out + ".check.json", "w") as f:
        json.dump({"tolerance": TOLERANCE, "cases": cases}, f)
    os.replace(partial, out)
    print(f"export_onnx.py: wrote {out} ({os.path.getsize(out) / 2**20:.0f} MiB, opset {OPSET})")


if __name__ == "__main__":
    main()
