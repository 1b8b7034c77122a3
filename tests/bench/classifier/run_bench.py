#!/usr/bin/python3
"""The in-process DeBERTa engine vs PyTorch eager and ONNX Runtime, random weights
at the real shapes of Prompt Guard 2 22M (deberta-v3-xsmall) and 86M (mdeberta-v3-base).

Usage: run_bench.py BENCH_BINARY [--shapes 22m,86m] [--tokens 512] [--batch 8]
                    [--threads 2] [--runs 3] [--keep DIR] [--ort-dir DIR | --no-ort]
Writes each model (config.json, model.safetensors in F32, a small spm.model) to a
temporary directory (or DIR of --keep, reused when already there), runs BENCH_BINARY
(classifier_deberta_bench) on it, then the PyTorch reference forward pass
(tests/unit/classifier/make_tiny_models.py, which follows transformers' DebertaV2
semantics) on the same weights and token ids, then ONNX Runtime: export_onnx.py
writes model.onnx next to the model when it is missing, and ort_bench.mjs (Node)
times it with the npm package onnxruntime-node after checking its logits against the
PyTorch reference. Each engine runs in its own process so each peak RSS is its own.
Prints one line per engine and the ratios to openclawd.

onnxruntime-node comes from --ort-dir (a directory with node_modules/onnxruntime-node);
without it, the first run installs onnxruntime-node@ORT_VERSION from the npm registry
into ~/.cache/openclawd-bench/onnxruntime (--ignore-scripts: the package's install
script only fetches CUDA parts from NuGet; the CPU runtime is in the package). --no-ort skips it.
Needs ~3 GB of disk and RAM for the 86M shape; takes minutes.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../unit/classifier"))
ORT_VERSION = "1.30.0"  # onnxruntime-node, pinned so runs compare like with like
ORT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "openclawd-bench", "onnxruntime")

SHAPES = {
    "22m": dict(vocab_size=128100, hidden_size=384, num_hidden_layers=12, num_attention_heads=6,
                intermediate_size=1536),
    "86m": dict(vocab_size=250105, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                intermediate_size=3072),
}
COMMON = dict(max_position_embeddings=512, position_buckets=256, max_relative_positions=-1,
              pos_att_type=["p2c", "c2p"], share_att_key=True, norm_rel_ebd="layer_norm",
              position_biased_input=False, relative_attention=True, hidden_act="gelu",
              layer_norm_eps=1e-7, type_vocab_size=0, id2label={"0": "BENIGN", "1": "MALICIOUS"})


def token_ids(tokens, vocab):
    ids = [5 + (i * 7919) % (vocab - 5) for i in range(tokens)]
    ids[0], ids[-1] = 1, 2
    return ids


def make_model(directory, shape):
    import make_tiny_models as tiny
    cfg = dict(COMMON, **SHAPES[shape])
    cfg.update(model_type="deberta-v2", pooler_hidden_size=cfg["hidden_size"],
               pooler_hidden_act="gelu")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f)
    tiny.write_safetensors(os.path.join(directory, "model.safetensors"), tiny.make_weights(cfg), "F32")
    tiny.train_spm(directory, 120)


def torch_side(directory, tokens, batch, threads, runs):
    """Runs in its own process: loads the weights and times the reference forward."""
    import torch
    import make_tiny_models as tiny
    torch.set_num_threads(threads)
    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    start = time.perf_counter()
    weights = load_safetensors(os.path.join(directory, "model.safetensors"))
    load_ms = (time.perf_counter() - start) * 1000
    ids = token_ids(tokens, cfg["vocab_size"])
    with torch.no_grad():
        tiny.reference_logits(cfg, weights, ids)  # warm-up
        best = 1e300
        for _ in range(runs):
            start = time.perf_counter()
            tiny.reference_logits(cfg, weights, ids)
            best = min(best, (time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        for _ in range(batch):
            tiny.reference_logits(cfg, weights, ids)
        batch_ms = (time.perf_counter() - start) * 1000
    rss = peak_rss_mib()
    print(json.dumps({"engine": "pytorch-eager", "tokens": tokens, "threads": threads,
                      "load_ms": load_ms, "single_ms": best, "batch": batch, "batch_ms": batch_ms,
                      "windows_per_s": batch / (batch_ms / 1000), "peak_rss_mib": rss}))


def peak_rss_mib():
    """VmHWM of this process image. Not getrusage's ru_maxrss: Linux keeps that across
    exec, so a child of a large parent would report the parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return -1.0


def load_safetensors(path):
    import torch
    with open(path, "rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(size))
        data = f.read()
    weights = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        weights[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).view(
            info["shape"])
    return weights


def ort_directory(args):
    """Where onnxruntime-node is: --ort-dir, or the cache, installed there on first use."""
    if args.ort_dir:
        return args.ort_dir
    package = os.path.join(ORT_CACHE, "node_modules", "onnxruntime-node", "package.json")
    if os.path.exists(package):
        with open(package) as f:
            if json.load(f)["version"] == ORT_VERSION:
                return ORT_CACHE
    print(f"installing onnxruntime-node@{ORT_VERSION} from the npm registry into {ORT_CACHE}", flush=True)
    os.makedirs(ORT_CACHE, exist_ok=True)
    subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", ORT_CACHE,
                    f"onnxruntime-node@{ORT_VERSION}"], check=True, stdout=subprocess.DEVNULL)
    return ORT_CACHE


def run_json(command):
    """Runs one engine's process; its stdout is one JSON line, its stderr says why it failed."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"run_bench.py: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_row(shape, row):
    print(f"{shape:>4} {row['engine']:<14} 1x{row['tokens']}: {row['single_ms']:8.1f} ms   "
          f"batch {row['batch']}: {row['batch_ms']:8.1f} ms ({row['windows_per_s']:.2f} windows/s)   "
          f"load {row['load_ms']:7.1f} ms   peak RSS {row['peak_rss_mib']:7.1f} MiB")


def print_batched(shape, row, ours):
    """The batch as one stacked forward pass (batch dimension), against ours the same way."""
    print(f"{shape:>4} {row['engine']:<14} one pass of {row['batch']}x{row['tokens']}: "
          f"{row['batched_ms']:8.1f} ms ({row['batched_windows_per_s']:.2f} windows/s"
          + ("" if row is ours else
             f", openclawd/this {ours['batched_windows_per_s'] / row['batched_windows_per_s']:.2f}x") + ")")


def print_ratios(shape, name, theirs, ours):
    print(f"{shape:>4} ratio {name}/openclawd: latency {theirs['single_ms'] / ours['single_ms']:.2f}x, "
          f"throughput {ours['windows_per_s'] / theirs['windows_per_s']:.2f}x, "
          f"peak RSS {theirs['peak_rss_mib'] / ours['peak_rss_mib']:.2f}x")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--shapes", default="22m,86m")
    parser.add_argument("--tokens", type=int, default=512)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep")
    parser.add_argument("--ort-dir", help="holds node_modules/onnxruntime-node (default: install it)")
    parser.add_argument("--no-ort", action="store_true", help="skip the ONNX Runtime column")
    parser.add_argument("--torch-side", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_side:
        return torch_side(args.torch_side, args.tokens, args.batch, args.threads, args.runs)
    ort_dir = None if args.no_ort else ort_directory(args)
    base = args.keep or tempfile.mkdtemp(prefix="openclawd-classifier-bench-")
    for shape in args.shapes.split(","):
        directory = os.path.join(base, shape)
        if not os.path.exists(os.path.join(directory, "spm.model")):
            make_model(directory, shape)
        common = [str(args.tokens), str(args.batch), str(args.threads), str(args.runs)]
        ours = run_json([args.binary, directory] + common)
        theirs = run_json([sys.executable, __file__, args.binary, "--torch-side", directory, "--tokens",
                           str(args.tokens), "--batch", str(args.batch), "--threads", str(args.threads),
                           "--runs", str(args.runs)])
        print_row(shape, ours)
        print_batched(shape, ours, ours)
        print_row(shape, theirs)
        print_ratios(shape, "pytorch", theirs, ours)
        sys.stdout.flush()
        if ort_dir:
            if not os.path.exists(os.path.join(directory, "model.onnx")):
                subprocess.run([sys.executable, os.path.join(HERE, "export_onnx.py"), directory], check=True)
            ort = run_json(["node", os.path.join(HERE, "ort_bench.mjs"), ort_dir, directory] + common)
            print_row(shape, ort)
            print_batched(shape, ort, ours)
            print(f"{shape:>4} {ort['engine']:<14} logits match PyTorch within {ort['check_max_abs_diff']:.1e}")
            print_ratios(shape, "onnxruntime", ort, ours)
            sys.stdout.flush()
    if not args.keep:
        subprocess.run(["rm", "-rf", base])


if __name__ == "__main__":
    main()
