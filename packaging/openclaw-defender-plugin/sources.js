// Which defender source an inbound message is scanned as, by OpenClaw channel.
//
// The daemon's defender knows six sources (discord_message, tool_result,
// web_fetch, email, outbound_message, tool_call); its rules and the judge's
// fail mode are chosen per source. Chat messages from people (Discord, the
// WebChat of the gateway's own UI, Telegram, Slack, …) are `discord_message`,
// the source of the rules written for user messages; mail channels are
// `email`. `channelSources` in the plugin config overrides or adds entries.
export const DEFENDER_SOURCES = Object.freeze([
  'discord_message',
  'tool_result',
  'web_fetch',
  'email',
  'outbound_message',
  'tool_call',
]);

export const DEFAULT_CHANNEL_SOURCES = Object.freeze({
  discord: 'discord_message',
  webchat: 'discord_message',
  telegram: 'discord_message',
  slack: 'discord_message',
  whatsapp: 'discord_message',
  signal: 'discord_message',
  imessage: 'discord_message',
  msteams: 'discord_message',
  matrix: 'discord_message',
  email: 'email',
  gmail: 'email',
});

// For channels in neither table (and turns with no channel: cron, CLI).
export const FALLBACK_SOURCE = 'discord_message';

export function sourceResolver(overrides = {}) {
  const table = { ...DEFAULT_CHANNEL_SOURCES, ...overrides };
  return (channel) => {
    const key = String(channel ?? '').toLowerCase();
    return table[key] ?? FALLBACK_SOURCE;
  };
}
