// The defender API client: POST {url}/v1/scan with the per-boot bearer token.
// Node built-ins only (fetch, AbortSignal.timeout, fs/promises); it runs in
// the OpenClaw gateway's Node (>= 24.16).
import { readFile } from 'node:fs/promises';

export const DEFAULTS = Object.freeze({
  url: 'http://192.168.83.1:8787',
  tokenFile: '/run/secrets/defender-token',
  timeoutMs: 5000,
  failOpen: false,
});

// What a hook does when the host gave no usable answer.
export class DefenderUnavailable extends Error {
  constructor(message, cause) {
    super(message);
    this.name = 'DefenderUnavailable';
    this.cause = cause;
  }
}

export function createDefenderClient(options = {}) {
  const settings = { ...DEFAULTS, ...options };
  const base = settings.url.replace(/\/+$/, '');

  // Read at every call: the token is renewed at each boot and on `rotate`.
  async function token() {
    try {
      return (await readFile(settings.tokenFile, 'utf8')).trim();
    } catch (error) {
      throw new DefenderUnavailable(`cannot read the defender token ${settings.tokenFile}`, error);
    }
  }

  // Returns the defender's answer {action, findings, sanitized?, layers, duration_us};
  // throws DefenderUnavailable when there is none (down, timeout, HTTP error).
  async function scan(text, source, context) {
    const body = { text: String(text ?? ''), source };
    if (context && typeof context === 'object') body.context = context;
    let response;
    try {
      response = await fetch(`${base}/v1/scan`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await token()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (error) {
      if (error instanceof DefenderUnavailable) throw error;
      throw new DefenderUnavailable(`the defender at ${base} did not answer: ${error.message}`, error);
    }
    let answer;
    try {
      answer = await response.json();
    } catch (error) {
      throw new DefenderUnavailable(`the defender answered HTTP ${response.status} without JSON`, error);
    }
    if (!response.ok) {
      const detail = answer?.error?.message ?? `HTTP ${response.status}`;
      throw new DefenderUnavailable(`the defender refused the scan: ${detail}`);
    }
    if (typeof answer?.action !== 'string') {
      throw new DefenderUnavailable('the defender answer has no "action"');
    }
    return answer;
  }

  return { scan, settings };
}
