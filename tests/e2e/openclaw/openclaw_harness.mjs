// Starts what the real-OpenClaw tests need and stops it again: the openclawd
// daemon (defender + inference gateway on 127.0.0.1:0, no VMs), the real
// OpenClaw gateway from npm (HOME in a temp dir, the guest config from
// packaging/openclaw-guest with test paths, the plugin installed with
// `openclaw plugins install`) and a WebChat client that speaks the gateway's
// WebSocket protocol through OpenClaw's own client library (GatewayClient).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { daemonTestConfig } from './daemon_config.mjs';

export const openclawDir = process.env.OPENCLAWD_OPENCLAW_DIR;
export const binary = process.env.OPENCLAWD_BINARY;
export const sourceDir = process.env.OPENCLAWD_SOURCE_DIR;
if (!openclawDir || !binary || !sourceDir) {
  throw new Error('set OPENCLAWD_OPENCLAW_DIR, OPENCLAWD_BINARY and OPENCLAWD_SOURCE_DIR (run-openclaw-tests.sh does)');
}
const openclawMain = join(openclawDir, 'openclaw', 'node_modules', 'openclaw', 'openclaw.mjs');
const npmCli = join(openclawDir, 'tools', 'node_modules', 'npm', 'bin', 'npm-cli.js');

// A child process whose output is kept (and shown when a test fails).
export function startProcess(command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.output = '';
  child.stdout.on('data', (chunk) => (child.output += chunk));
  child.stderr.on('data', (chunk) => (child.output += chunk));
  child.stopped = new Promise((resolve) => child.once('exit', resolve));
  return child;
}

export async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  await child.stopped;
  clearTimeout(timer);
}

// --- the daemon --------------------------------------------------------------

// `direct`: no inference section (OpenClaw then talks to the stub itself); for
// developing the harness without the daemon's inference gateway only.
export async function startDaemon(dir, { stubUrl, providerKeyFile, inferenceTokenFile, defenderTokenFile, judgeUrl, direct = false }) {
  mkdirSync(join(dir, 'log'), { recursive: true });
  const config = daemonTestConfig(dir, {
    sourceDir,
    bridge: `ocdoc${process.pid % 10000}`,
    defenderTokenFile,
    judgeUrl,
    dangerousTools: ['read', 'exec'],
  });
  config.inference = {
    listen: '127.0.0.1:0',
    token_file: inferenceTokenFile,
    user_message_source: 'discord_message',
    providers: [{ name: 'openrouter', base_url: stubUrl, api_key_file: providerKeyFile }],
  };
  if (direct) delete config.inference;
  const configPath = join(dir, 'openclawd.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const daemon = startProcess(binary, ['daemon', '--config', configPath, '--log-stderr']);
  const deadline = Date.now() + 60000; // the rules compile slowly on a loaded machine
  while (Date.now() < deadline) {
    if (daemon.exitCode !== null) throw new Error(`the daemon exited:\n${daemon.output}`);
    try {
      const status = JSON.parse(execFileSync(binary, ['status', '--json', '--config', configPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      const defender = status.services?.defender?.http?.listen;
      const inference = status.services?.inference?.listen;
      if (defender && (inference || direct)) {
        const inferenceUrl = direct ? stubUrl.replace(/\/v1$/, '') : `http://${inference}`;
        return { daemon, configPath, defenderUrl: `http://${defender}`, inferenceUrl, logDir: join(dir, 'log') };
      }
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  await stopProcess(daemon);
  throw new Error(`the daemon's defender and inference listeners did not come up:\n${daemon.output}`);
}

// --- the OpenClaw gateway ------------------------------------------------------

export function openclawEnv(home, extra = {}) {
  return { ...process.env, HOME: home, OPENCLAW_HIDE_BANNER: '1', ...extra };
}

// The guest config from packaging/openclaw-guest with the test's paths: the
// env references (${OPENCLAW_GATEWAY_TOKEN}, ${OPENCLAWD_INFERENCE_URL},
// ${OPENCLAWD_INFERENCE_TOKEN}) stay as they are.
export function writeGuestConfig(home, { workspace, defenderUrl, defenderTokenFile, model }) {
  const config = JSON.parse(readFileSync(join(sourceDir, 'packaging', 'openclaw-guest', 'openclaw.json'), 'utf8'));
  const provider = config.models.providers.openclawd;
  provider.models = [{ ...provider.models[0], id: model, name: 'stub model' }];
  config.agents.defaults.model.primary = `openclawd/${model}`;
  config.agents.defaults.workspace = workspace;
  Object.assign(config.plugins.entries['openclawd-defender'].config, { url: defenderUrl, tokenFile: defenderTokenFile });
  mkdirSync(join(home, '.openclaw'), { recursive: true });
  const path = join(home, '.openclaw', 'openclaw.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

// `npm pack` (only the files package.json lists) then `openclaw plugins install`,
// with the gateway's environment (the install rewrites the config: the test
// then checks that it wrote back the ${VAR} references, not the values).
export function installPlugin(home, scratch, env = {}) {
  const pluginDir = join(sourceDir, 'packaging', 'openclaw-defender-plugin');
  const packed = execFileSync(process.execPath, [npmCli, 'pack', '--silent', '--pack-destination', scratch], {
    cwd: pluginDir,
    encoding: 'utf8',
    env: openclawEnv(home),
  }).trim();
  const tarball = join(scratch, packed.split('\n').at(-1));
  const output = execFileSync(process.execPath, [openclawMain, 'plugins', 'install', tarball, '--force', '--accept-capabilities'], {
    encoding: 'utf8',
    env: openclawEnv(home, env),
  });
  const installed = join(home, '.openclaw', 'extensions', 'openclawd-defender');
  return { output, installed, files: readdirSync(installed, { recursive: true }) };
}

// Starts `openclaw gateway run`. OpenClaw gives a worker thread 5 s to come up
// at startup (state lease heartbeat); on a loaded machine it can miss that and
// exit: such a start is retried (twice), any other exit is a failure.
export async function startGateway(home, env, { port = 18789, attempts = 3 } = {}) {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const gateway = startProcess(process.execPath, [openclawMain, 'gateway', 'run', '--port', String(port), '--verbose'], {
      env: openclawEnv(home, env),
    });
    const deadline = Date.now() + 240000;
    while (Date.now() < deadline && gateway.exitCode === null) {
      if (/http server listening/.test(gateway.output)) return gateway;
      await sleep(250);
    }
    await stopProcess(gateway);
    const leaseTimeout = /state lease heartbeat did not become ready/.test(gateway.output);
    if (!leaseTimeout || attempt === attempts) {
      throw new Error(`the OpenClaw gateway did not start (attempt ${attempt}):\n${gateway.output.slice(-6000)}`);
    }
  }
  throw new Error('unreachable');
}

// --- the WebChat client --------------------------------------------------------

// OpenClaw's own client (the one its UIs and CLI use), connected as WebChat
// with the given token. Resolves with the client once hello-ok arrived, or
// rejects with the gateway's refusal.
export async function connectWebChat(token, { port = 18789, timeoutMs = 60000 } = {}) {
  const { GatewayClient } = await import(
    join(openclawDir, 'openclaw', 'node_modules', 'openclaw', 'dist', 'plugin-sdk', 'gateway-runtime.js')
  );
  const events = [];
  let client;
  const connected = new Promise((resolve, reject) => {
    client = new GatewayClient({
      url: `ws://127.0.0.1:${port}`,
      // WebChat clients are held to the gateway's own origin.
      origin: `http://127.0.0.1:${port}`,
      token,
      clientName: 'webchat', // the native WebChat client (no browser origin)
      mode: 'webchat',
      scopes: ['operator.read', 'operator.write'],
      onEvent: (event) => events.push(event),
      onHelloOk: (hello) => resolve(hello),
      onConnectError: (error) => reject(error),
      onReconnectPaused: (info) => reject(new Error(`reconnect paused: ${JSON.stringify(info)}`)),
    });
    client.start();
  });
  const timer = sleep(timeoutMs).then(() => {
    throw new Error(`no hello-ok from the gateway in ${timeoutMs} ms`);
  });
  try {
    const hello = await Promise.race([connected, timer]);
    return { client, hello, events };
  } catch (error) {
    client.stop();
    throw error;
  }
}

// Sends one WebChat message and waits for the run's final (or error) chat
// event. Returns {ack, final, deltas, text}: text is what the client shows.
export async function chat(webchat, message, { sessionKey = 'main', timeoutMs = 120000 } = {}) {
  const idempotencyKey = `run-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const start = webchat.events.length;
  const ack = await webchat.client.request('chat.send', { sessionKey, message, idempotencyKey });
  const runId = ack?.runId ?? idempotencyKey;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mine = webchat.events.slice(start).filter((e) => e.event === 'chat' && (e.payload?.runId === runId || e.payload?.runId === idempotencyKey));
    const final = mine.find((e) => ['final', 'error', 'aborted'].includes(e.payload?.state));
    if (final) {
      return { ack, final: final.payload, events: mine.map((e) => e.payload), wire: JSON.stringify(mine) };
    }
    await sleep(100);
  }
  throw new Error(`no final chat event for "${message}" in ${timeoutMs} ms`);
}

// The text of a chat event's message, as the WebChat client renders it.
export function chatText(payload) {
  const content = payload?.message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part?.text ?? '').join('');
  return payload?.errorMessage ?? '';
}
