// ONNX Runtime (the npm package onnxruntime-node, CPU) on a model exported by
// export_onnx.py, with the protocol of classifier_deberta_bench: the same token ids,
// a warm-up, the best of RUNS single windows, then BATCH windows one after another
// (batch_ms, windows_per_s: the same fields as the other engines) and once more as
// one run with batch dimension BATCH (batched_ms, batched_windows_per_s). Before
// timing, it checks ONNX Runtime's logits against the PyTorch reference that
// export_onnx.py saved next to the model and stops if they differ.
// Usage: node ort_bench.mjs ORT_DIR MODEL_DIR [TOKENS=512] [BATCH=8] [THREADS=2] [RUNS=3]
// ORT_DIR (or the environment variable ORT_NODE_DIR when ORT_DIR is "-") is where
// onnxruntime-node is installed: the directory holding node_modules/onnxruntime-node,
// or the package directory itself. Prints one JSON line.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

function fail(message) {
  process.stderr.write(`ort_bench.mjs: ${message}\n`);
  process.exit(1);
}

function loadOnnxRuntime(directory) {
  const packageJson = join(directory, 'package.json');
  if (existsSync(packageJson) && JSON.parse(readFileSync(packageJson, 'utf8')).name === 'onnxruntime-node') {
    return createRequire(packageJson)('./');
  }
  try {
    return createRequire(join(directory, 'package.json'))('onnxruntime-node');
  } catch (error) {
    fail(`no onnxruntime-node under ${directory} (${error.message}); ` +
         `install it there with: npm install --ignore-scripts --prefix ${directory} onnxruntime-node`);
  }
}

// The ids of classifier_deberta_bench and run_bench.py's token_ids().
// VmHWM of this process image; process.resourceUsage().maxRSS comes from getrusage,
// which Linux carries over exec, so it could report the parent script's peak.
function peakRssMib() {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmHWM:'));
  return line ? Number.parseInt(line.slice(6), 10) / 1024 : -1;
}

function tokenIds(tokens, vocab) {
  const ids = Array.from({ length: tokens }, (_, i) => 5 + (i * 7919) % (vocab - 5));
  ids[0] = 1;
  ids[tokens - 1] = 2;
  return ids;
}

function inputTensor(ort, windows) {
  const flat = BigInt64Array.from(windows.flat(), (id) => BigInt(id));
  return new ort.Tensor('int64', flat, [windows.length, windows[0].length]);
}

async function checkAgainstReference(ort, session, checkFile) {
  const { tolerance, cases } = JSON.parse(readFileSync(checkFile, 'utf8'));
  let largest = 0;
  for (const { input_ids: windows, logits: expected } of cases) {
    const { logits } = await session.run({ input_ids: inputTensor(ort, windows) });
    const labels = expected[0].length;
    if (logits.dims[0] !== windows.length || logits.dims[1] !== labels) {
      fail(`logits of shape [${logits.dims}] for ${windows.length} windows and ${labels} labels`);
    }
    expected.flat().forEach((value, i) => {
      largest = Math.max(largest, Math.abs(logits.data[i] - value));
    });
  }
  if (!(largest <= tolerance)) {
    fail(`ONNX Runtime's logits differ from the PyTorch reference by ${largest} (> ${tolerance}); ` +
         `the exported graph is wrong, re-export it with export_onnx.py`);
  }
  return largest;
}

async function main() {
  const [ortArgument, modelDir, tokensArg, batchArg, threadsArg, runsArg] = process.argv.slice(2);
  const ortDir = ortArgument === '-' ? process.env.ORT_NODE_DIR : ortArgument;
  if (!ortDir || !modelDir) {
    fail('usage: node ort_bench.mjs ORT_DIR|- MODEL_DIR [TOKENS] [BATCH] [THREADS] [RUNS]');
  }
  const tokens = Number(tokensArg ?? 512);
  const batch = Number(batchArg ?? 8);
  const threads = Number(threadsArg ?? 2);
  const runs = Number(runsArg ?? 3);
  const ort = loadOnnxRuntime(resolve(ortDir));
  const modelFile = join(modelDir, 'model.onnx');
  const checkFile = `${modelFile}.check.json`;
  if (!existsSync(modelFile) || !existsSync(checkFile)) {
    fail(`${modelFile} or ${checkFile} is missing; make them with export_onnx.py ${modelDir}`);
  }
  const vocab = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')).vocab_size;

  const loadStart = performance.now();
  const session = await ort.InferenceSession.create(modelFile, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const loadMs = performance.now() - loadStart;
  const checkMaxAbsDiff = await checkAgainstReference(ort, session, checkFile);

  const ids = tokenIds(tokens, vocab);
  const single = { input_ids: inputTensor(ort, [ids]) };
  const batched = { input_ids: inputTensor(ort, Array.from({ length: batch }, () => ids)) };
  await session.run(single); // warm-up
  await session.run(batched); // warm-up of the batched shape
  let bestSingle = Infinity;
  for (let run = 0; run < runs; ++run) {
    const start = performance.now();
    await session.run(single);
    bestSingle = Math.min(bestSingle, performance.now() - start);
  }
  const batchStart = performance.now();
  for (let i = 0; i < batch; ++i) await session.run(single);
  const batchMs = performance.now() - batchStart;
  const batchedStart = performance.now();
  await session.run(batched);
  const batchedMs = performance.now() - batchedStart;

  console.log(JSON.stringify({
    engine: 'onnxruntime',
    version: ort.env.versions?.common ?? null,
    tokens,
    threads,
    load_ms: loadMs,
    single_ms: bestSingle,
    batch,
    batch_ms: batchMs,
    windows_per_s: batch / (batchMs / 1000),
    batched_ms: batchedMs,
    batched_windows_per_s: batch / (batchedMs / 1000),
    peak_rss_mib: peakRssMib(),
    check_max_abs_diff: checkMaxAbsDiff,
  }));
}

await main();
