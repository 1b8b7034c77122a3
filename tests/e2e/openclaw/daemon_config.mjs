// The openclawd config of the tests that run the real daemon beside OpenClaw
// code: no VMs, no DNS or audit, the defender API on 127.0.0.1:0 with the
// project's rules and the LLM judge pointed at a loopback stub (no cache, no
// retries: every intent check reaches the stub once).
import { join } from 'node:path';

export function daemonTestConfig(dir, { sourceDir, bridge, defenderTokenFile, judgeUrl, dangerousTools }) {
  return {
    version: 1,
    state_dir: join(dir, 'state'),
    log_dir: join(dir, 'log'),
    control_socket: join(dir, 'control.sock'),
    hypervisor: { uri: 'test:///default' },
    network: { bridge, address: '192.168.83.1/24' },
    dns: { enabled: false },
    audit: { enabled: false },
    defender: {
      listen: '127.0.0.1:0',
      rules: join(sourceDir, 'policies', 'defender', 'rules.json'),
      token_file: defenderTokenFile,
      log_file: join(dir, 'log', 'defender.jsonl'),
      judge: { enabled: true, base_url: judgeUrl, cache_entries: 0, retries: 0, dangerous_tools: dangerousTools },
    },
    vms: [],
  };
}

// The intent-check documents ({user_request, tool_call}) that the daemon's
// judge sent to a stub (startStubUpstream).
export function intentChecks(judgeStub) {
  return judgeStub
    .chatRequests()
    .map((request) => {
      const messages = request.body.messages ?? [];
      try {
        return JSON.parse(messages.filter((m) => m.role === 'user').at(-1)?.content ?? '');
      } catch {
        return {};
      }
    })
    .filter((doc) => doc && typeof doc === 'object' && 'user_request' in doc);
}
