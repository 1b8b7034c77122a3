// OpenClaw plugin: everything the agent reads from outside and every tool call
// it is about to make is checked by the openclawd defender on the host.
//
//   message_received     remember the owner's last request (for tool-call
//                        intent checks) and log flagged inbound messages
//   tool_result_persist  block or sanitize a tool result before the agent keeps it
//   before_tool_call     block a tool call the defender flags (with the request)
//   message_sending      block or sanitize an outgoing message (credential leaks)
//
// When the host does not answer, the hooks fail closed (block) unless
// `failOpen` is set. No dependencies beyond Node 20.
import { createDefenderClient, DefenderUnavailable } from './client.js';

export { createDefenderClient, DefenderUnavailable };

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

function reasonOf(answer) {
  const rules = (answer.findings ?? []).map((f) => f.rule).filter(Boolean);
  return rules.length ? `${answer.action}: ${[...new Set(rules)].join(', ')}` : answer.action;
}

// The hook handlers, separated from registration so tests can call them.
export function createDefenderHooks(options = {}, logger = console) {
  const client = options.client ?? createDefenderClient(options);
  const failOpen = options.failOpen === true;
  const blockMessage = options.blockMessage ?? DEFAULT_BLOCK_MESSAGE;
  // The owner's last message per conversation, for intent checks.
  const lastRequest = new Map();

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

  async function messageReceived(event, ctx = {}) {
    const text = textOfContent(event?.content);
    const conversation = ctx.conversationId ?? ctx.channelId ?? event?.from ?? 'default';
    lastRequest.set(conversation, text);
    const answer = await check(text, 'discord_message', { from: event?.from });
    if (answer.action === 'block' || answer.action === 'sanitize') {
      logger.warn?.(`openclawd-defender: inbound message flagged (${reasonOf(answer)})`);
    }
    return undefined;
  }

  async function toolResultPersist(event) {
    const message = event?.message;
    if (!message) return undefined;
    const text = textOfContent(message.content);
    if (!text) return undefined;
    const answer = await check(text, 'tool_result', { tool_name: event.toolName });
    if (answer.action === 'block') {
      return {
        message: { ...message, content: [{ type: 'text', text: `${blockMessage} (${reasonOf(answer)})` }] },
      };
    }
    if (answer.action === 'sanitize' && typeof answer.sanitized === 'string') {
      return { message: { ...message, content: [{ type: 'text', text: answer.sanitized }] } };
    }
    return undefined;
  }

  async function beforeToolCall(event, ctx = {}) {
    const toolName = event?.toolName ?? '';
    const params = event?.params ?? {};
    const conversation = ctx.conversationId ?? ctx.channelId ?? 'default';
    const userRequest = lastRequest.get(conversation) ?? lastRequest.get('default') ?? '';
    const text = `${toolName} ${JSON.stringify(params)}`;
    const answer = await check(text, 'tool_call', {
      tool_name: toolName,
      tool_params: params,
      user_request: userRequest,
    });
    if (answer.action === 'block' || answer.action === 'sanitize') {
      return { block: true, blockReason: `openclawd defender: ${reasonOf(answer)}` };
    }
    return undefined;
  }

  async function messageSending(event) {
    const text = textOfContent(event?.content);
    if (!text) return undefined;
    const answer = await check(text, 'outbound_message', { to: event?.to });
    if (answer.action === 'block') return { cancel: true, content: blockMessage };
    if (answer.action === 'sanitize' && typeof answer.sanitized === 'string') {
      return { content: answer.sanitized };
    }
    return undefined;
  }

  return { messageReceived, toolResultPersist, beforeToolCall, messageSending, client };
}

// OpenClaw's plugin entry: {id, name, register(api)}; hooks through api.on.
const plugin = {
  id: 'openclawd-defender',
  name: 'openclawd defender',
  description: 'Checks inbound content, tool results, tool calls and outgoing messages on the host',
  register(api) {
    const config = api.pluginConfig ?? api.config?.plugins?.entries?.['openclawd-defender']?.config ?? {};
    const hooks = createDefenderHooks(config, api.logger ?? console);
    // Security checks run before other plugins' hooks.
    api.on('message_received', hooks.messageReceived, { priority: 1000 });
    api.on('tool_result_persist', hooks.toolResultPersist, { priority: 1000 });
    api.on('before_tool_call', hooks.beforeToolCall, { priority: 1000 });
    api.on('message_sending', hooks.messageSending, { priority: 1000 });
  },
};

export default plugin;
