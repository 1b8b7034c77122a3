// OpenClaw plugin (OpenClaw 2026.9): what reaches the agent from outside and
// what it is about to do are checked by the openclawd defender on the host.
// The enforcement point is the host's inference gateway, which scans every
// model call where the guest cannot switch it off; this plugin is the second
// layer, and the one that stops an inbound message before a turn starts.
//
//   before_dispatch        an inbound channel message (Discord, …): scanned with
//                          its channel's source; a blocked one is answered with
//                          a notice and never starts a turn
//   before_agent_run       every turn's prompt (WebChat, CLI, cron and channels):
//                          the fail-closed gate; needs
//                          plugins.entries.openclawd-defender.hooks.allowConversationAccess
//   tool result middleware a tool result before the model sees it (blocked →
//                          a notice, sanitized → the sanitized text); needs
//                          contracts.agentToolResultMiddleware and the plugin
//                          enabled explicitly
//   before_tool_call       a tool call, with the session's last request for the
//                          intent check
//   message_sending        an outgoing channel message (credential leaks)
//
// Not used: tool_result_persist (synchronous in OpenClaw: it cannot wait for
// the host, and it only rewrites the saved transcript, not what the model sees
// in that turn) and message_received (fire-and-forget: it cannot block).
// When the host does not answer, the hooks fail closed unless `failOpen` is set.
import { createHash } from 'node:crypto';
import { createDefenderClient, DefenderUnavailable } from './client.js';
import { sharedSessionState } from './session-state.js';
import { sourceResolver } from './sources.js';

export { createDefenderClient, DefenderUnavailable };

export const PLUGIN_ID = 'openclawd-defender';
const DEFAULT_BLOCK_MESSAGE = '[blocked by openclawd defender]';

function textOfContent(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .filter((part) => part && part.type === 'text' && typeof part.text === 'string')
      .map((part) => part.text)
      .join('\n');
  }
  return '';
}

function rulesOf(answer) {
  return [...new Set((answer.findings ?? []).map((f) => f.rule).filter(Boolean))];
}

function reasonOf(answer) {
  const rules = rulesOf(answer);
  return rules.length ? `${answer.action}: ${rules.join(', ')}` : answer.action;
}

const flagged = (answer) => answer.action === 'block' || answer.action === 'sanitize';
const digest = (text) => createHash('sha256').update(text).digest('hex');

// The hook handlers, separated from registration so tests can call them.
// `state` is the process-wide session store unless a test passes its own.
export function createDefenderHooks(options = {}, logger = console, state = sharedSessionState()) {
  const client = options.client ?? createDefenderClient(options);
  const failOpen = options.failOpen === true;
  const blockMessage = options.blockMessage ?? DEFAULT_BLOCK_MESSAGE;
  const sourceOf = sourceResolver(options.channelSources ?? {});

  // The defender's answer, or a stand-in when it is unavailable.
  async function check(text, source, context) {
    try {
      return await client.scan(text, source, context);
    } catch (error) {
      if (!(error instanceof DefenderUnavailable)) throw error;
      logger.warn?.(`openclawd-defender: ${error.message}; failing ${failOpen ? 'open' : 'closed'}`);
      return failOpen
        ? { action: 'allow', findings: [], unavailable: true }
        : { action: 'block', findings: [{ rule: 'defender_unavailable' }], unavailable: true };
    }
  }

  const notice = (answer) => `${blockMessage} (${reasonOf(answer)})`;

  // An inbound message: scanned once per session and text, remembered as the
  // owner's request. A sanitize verdict stops it too: the plugin cannot rewrite
  // an inbound message, only refuse it.
  async function inbound(text, channel, sessionKey, context) {
    const key = digest(text);
    const known = state.verdict(sessionKey, key);
    if (known) return known;
    state.setRequest(sessionKey, text);
    const answer = await check(text, sourceOf(channel), { channel, ...context });
    if (!answer.unavailable) state.rememberVerdict(sessionKey, key, answer);
    if (flagged(answer)) logger.warn?.(`openclawd-defender: inbound message stopped (${reasonOf(answer)})`);
    return answer;
  }

  async function beforeDispatch(event, ctx = {}) {
    const text = event?.body ?? event?.content ?? '';
    if (!text) return undefined;
    const sessionKey = event?.sessionKey ?? ctx.sessionKey;
    const answer = await inbound(text, event?.channel ?? ctx.channelId, sessionKey, { from: event?.senderId });
    return flagged(answer) ? { handled: true, text: notice(answer) } : undefined;
  }

  async function beforeAgentRun(event, ctx = {}) {
    const text = event?.prompt ?? '';
    if (!text) return undefined;
    const channel = ctx.channel ?? ctx.messageProvider ?? event?.channelId ?? ctx.channelId;
    const answer = await inbound(text, channel, ctx.sessionKey, { from: event?.senderId });
    if (!flagged(answer)) return undefined;
    return { outcome: 'block', reason: reasonOf(answer), message: notice(answer), category: 'prompt_injection' };
  }

  async function toolResult(event, ctx = {}) {
    const result = event?.result;
    const text = textOfContent(result?.content);
    if (!text) return undefined;
    const source = event.toolName === 'web_fetch' ? 'web_fetch' : 'tool_result';
    const answer = await check(text, source, { tool_name: event.toolName, session: ctx.sessionKey });
    let replacement;
    if (answer.action === 'block') replacement = notice(answer);
    else if (answer.action === 'sanitize' && typeof answer.sanitized === 'string') replacement = answer.sanitized;
    if (replacement === undefined) return undefined;
    logger.warn?.(`openclawd-defender: tool result of ${event.toolName} replaced (${reasonOf(answer)})`);
    return { result: { ...result, content: [{ type: 'text', text: replacement }] } };
  }

  async function beforeToolCall(event, ctx = {}) {
    const toolName = event?.toolName ?? '';
    const params = event?.params ?? {};
    const text = `${toolName} ${JSON.stringify(params)}`;
    const answer = await check(text, 'tool_call', {
      tool_name: toolName,
      tool_params: params,
      user_request: state.request(ctx.sessionKey),
    });
    if (flagged(answer)) return { block: true, blockReason: `openclawd defender: ${reasonOf(answer)}` };
    return undefined;
  }

  async function messageSending(event) {
    const text = textOfContent(event?.content);
    if (!text) return undefined;
    const answer = await check(text, 'outbound_message', { to: event?.to });
    if (answer.action === 'block') return { cancel: true, cancelReason: reasonOf(answer), content: blockMessage };
    if (answer.action === 'sanitize' && typeof answer.sanitized === 'string') return { content: answer.sanitized };
    return undefined;
  }

  return { beforeDispatch, beforeAgentRun, toolResult, beforeToolCall, messageSending, client, state };
}

// OpenClaw's plugin entry: {id, name, register(api)}; its id is the manifest's.
const plugin = {
  id: PLUGIN_ID,
  name: 'openclawd defender',
  description: 'Checks inbound messages, tool results, tool calls and outgoing messages with the openclawd defender on the host',
  register(api) {
    const hooks = createDefenderHooks(api.pluginConfig ?? {}, api.logger ?? console);
    // Run before other plugins' hooks; give the host the client's time plus a
    // margin, so that a slow answer fails closed in the plugin, not as a
    // hook timeout.
    const options = { priority: 1000, timeoutMs: hooks.client.settings.timeoutMs + 1000 };
    api.on('before_dispatch', hooks.beforeDispatch, options);
    api.on('before_agent_run', hooks.beforeAgentRun, options);
    api.on('before_tool_call', hooks.beforeToolCall, options);
    api.on('message_sending', hooks.messageSending, options);
    api.registerAgentToolResultMiddleware?.(hooks.toolResult, { runtimes: ['openclaw'] });
  },
};

export default plugin;
