// Times the reference plugin's Layer 1 (openclaw-defender's normalizer and
// built-in rules, through its Scanner with no classifier and no LLM) on the
// same messages as layer1_bench, single thread, in MB/s of input.
//
// Usage: node reference_layer1.mjs <reference dist dir> [messages.jsonl] [seconds]
// The reference is not part of this project: build it elsewhere (its own
// `tsc -p tsconfig.json`) and pass the directory holding its compiled
// index.js. Nothing here fetches or builds it.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [, , distArg, messagesArg, secondsArg] = process.argv;
if (!distArg) {
  console.error("usage: node reference_layer1.mjs <reference dist dir> [messages.jsonl] [seconds]");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const messagesFile = messagesArg || join(here, "messages.jsonl");
const seconds = Number(secondsArg || 3);
const { Scanner } = await import(pathToFileURL(join(resolve(distArg), "index.js")).href);

const texts = readFileSync(messagesFile, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line).text);
const bytesOf = texts.map((t) => Buffer.byteLength(t, "utf8"));
const scanner = new Scanner();

// Warm up the JIT, then time whole passes over the message set.
for (let i = 0; i < 3; i++) for (const t of texts) await scanner.scan(t);
let bytes = 0;
let scans = 0;
let flagged = 0;
const started = process.hrtime.bigint();
const deadline = started + BigInt(Math.round(seconds * 1e9));
while (process.hrtime.bigint() < deadline) {
  for (let i = 0; i < texts.length; i++) {
    const result = await scanner.scan(texts[i]);
    if (result.action === "block" || result.action === "sanitize") flagged++;
    bytes += bytesOf[i];
    scans++;
  }
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `reference Layer 1 (Node ${process.version}): ${(bytes / 1e6 / elapsed).toFixed(2)} MB/s, ` +
    `${((elapsed / scans) * 1e6).toFixed(1)} us per message, ${scans} scans of ` +
    `${texts.length} messages (${flagged} flagged)`,
);
