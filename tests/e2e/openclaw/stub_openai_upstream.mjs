// A STUB model provider for the real-OpenClaw tests: a loopback HTTP server that
// speaks the OpenAI Chat Completions protocol (what openclawd's inference gateway
// forwards to, and what OpenClaw's `openai-completions` adapter talks), because
// no real LLM API can be reached from a test. Everything else in these tests is
// real: the OpenClaw gateway from npm, the openclawd daemon, the plugin.
//
//   POST /v1/chat/completions   with and without "stream": true. Streaming
//                               replies are SSE: a role chunk, the text in small
//                               content deltas, tool_calls deltas (name first,
//                               arguments in pieces), a finish chunk with usage,
//                               then `data: [DONE]`.
//   GET  /v1/models             the one scripted model.
//
// Each test scripts the replies (`stub.reply(fn)`: fn(body, request) returns
// {text?, toolCalls?: [{name, arguments}]}) and reads `stub.requests`: every
// request received, with its parsed body and Authorization header.
import { createServer } from 'node:http';

export const STUB_MODEL = 'stub-model';

function chunk(id, model, delta, finishReason = null, extra = {}) {
  return {
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    ...extra,
  };
}

// Splits a string into pieces of at most `size` characters (code points kept whole).
function pieces(text, size) {
  const chars = [...text];
  const out = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function usageOf(body, reply) {
  const prompt = JSON.stringify(body.messages ?? []).length;
  const completion = (reply.text ?? '').length + JSON.stringify(reply.toolCalls ?? []).length;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function toolCallsOf(reply, id) {
  return (reply.toolCalls ?? []).map((call, index) => ({
    index,
    id: call.id ?? `call_${id}_${index}`,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    },
  }));
}

function writeStream(res, body, reply, id, chunkSize) {
  const model = body.model ?? STUB_MODEL;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (payload) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
  send(chunk(id, model, { role: 'assistant', content: '' }));
  for (const piece of pieces(reply.text ?? '', chunkSize)) send(chunk(id, model, { content: piece }));
  for (const call of toolCallsOf(reply, id)) {
    send(chunk(id, model, {
      tool_calls: [{ index: call.index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
    }));
    for (const piece of pieces(call.function.arguments, chunkSize)) {
      send(chunk(id, model, { tool_calls: [{ index: call.index, function: { arguments: piece } }] }));
    }
  }
  const finish = reply.toolCalls?.length ? 'tool_calls' : 'stop';
  send(chunk(id, model, {}, finish, { usage: usageOf(body, reply) }));
  res.end('data: [DONE]\n\n');
}

function writeCompletion(res, body, reply, id) {
  const message = { role: 'assistant', content: reply.text ?? null };
  const calls = toolCallsOf(reply, id).map(({ index, ...call }) => call);
  if (calls.length) message.tool_calls = calls;
  const payload = {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? STUB_MODEL,
    choices: [{ index: 0, message, finish_reason: calls.length ? 'tool_calls' : 'stop' }],
    usage: usageOf(body, reply),
  };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

// Starts the stub on 127.0.0.1 (port 0 = any free port). `chunkSize` is the
// number of characters per streamed delta (small, so that a credential in a
// reply is split across chunks).
export async function startStubUpstream({ port = 0, chunkSize = 4 } = {}) {
  const requests = [];
  let replyFn = () => ({ text: 'stub reply' });
  let counter = 0;

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = new URL(req.url, 'http://stub').pathname;
    const record = { method: req.method, path, authorization: req.headers.authorization ?? null, raw, body: null };
    if (req.method === 'GET' && path.endsWith('/models')) {
      requests.push(record);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: STUB_MODEL, object: 'model', owned_by: 'stub' }] }));
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      requests.push(record);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `stub: no route ${req.method} ${path}` } }));
      return;
    }
    try {
      record.body = JSON.parse(raw);
    } catch {
      requests.push(record);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'stub: the body is not JSON' } }));
      return;
    }
    requests.push(record);
    const id = `chatcmpl-stub-${++counter}`;
    let reply;
    try {
      reply = (await replyFn(record.body, record)) ?? { text: '' };
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `stub script failed: ${error.message}` } }));
      return;
    }
    if (record.body.stream === true) writeStream(res, record.body, reply, id, chunkSize);
    else writeCompletion(res, record.body, reply, id);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();

  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    port: address.port,
    requests,
    // The chat-completion requests only (not /models).
    chatRequests: () => requests.filter((r) => r.body !== null),
    reply(fn) {
      replyFn = fn;
    },
    clear() {
      requests.length = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// Helpers for scripts: the messages of a request, and the text of one.
export function messageText(message) {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return '';
}

export function lastMessage(body, role) {
  const messages = body?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) if (!role || messages[i].role === role) return messages[i];
  return undefined;
}
