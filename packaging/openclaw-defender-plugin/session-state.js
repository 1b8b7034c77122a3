// Per-session state shared by every instance of this module in one process.
//
// The OpenClaw gateway may import the plugin twice and call register() twice
// (once for the startup registry, once for the runtime one); the hooks of one
// instance then run beside the hooks of the other. State that one hook writes
// and another reads (the owner's last request, read by the tool-call intent
// check) therefore lives on globalThis under a registered symbol, not in a
// closure or in module scope. Entries are keyed by OpenClaw's `sessionKey`
// (e.g. `agent:main:main`) and bounded: the least recently used session goes
// first.
const STORE_KEY = Symbol.for('openclawd-defender.session-state.v1');
export const DEFAULT_MAX_SESSIONS = 256;
const MAX_REQUEST_CHARS = 8192;

class SessionState {
  constructor(maxSessions) {
    this.maxSessions = maxSessions;
    this.sessions = new Map();
  }

  entry(sessionKey) {
    const key = sessionKey || 'default';
    let entry = this.sessions.get(key);
    if (entry) {
      this.sessions.delete(key); // re-insert: most recently used last
    } else {
      entry = { request: '', verdicts: new Map() };
    }
    this.sessions.set(key, entry);
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value);
    return entry;
  }

  // The owner's last message in this session (for intent checks of tool calls).
  setRequest(sessionKey, text) {
    this.entry(sessionKey).request = String(text ?? '').slice(0, MAX_REQUEST_CHARS);
  }

  request(sessionKey) {
    return this.sessions.get(sessionKey || 'default')?.request ?? '';
  }

  // The last inbound verdicts of a session by text hash, so that a message that
  // before_dispatch already judged is not scanned again by before_agent_run.
  rememberVerdict(sessionKey, digest, answer) {
    const verdicts = this.entry(sessionKey).verdicts;
    verdicts.set(digest, answer);
    while (verdicts.size > 8) verdicts.delete(verdicts.keys().next().value);
  }

  verdict(sessionKey, digest) {
    return this.sessions.get(sessionKey || 'default')?.verdicts.get(digest);
  }

  get size() {
    return this.sessions.size;
  }
}

// The one store of this process (created by the first caller).
export function sharedSessionState(maxSessions = DEFAULT_MAX_SESSIONS) {
  globalThis[STORE_KEY] ??= new SessionState(maxSessions);
  return globalThis[STORE_KEY];
}

// A private store (tests).
export function createSessionState(maxSessions = DEFAULT_MAX_SESSIONS) {
  return new SessionState(maxSessions);
}
