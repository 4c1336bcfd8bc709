/**
 * Progress while publish writes (issue 9: "a live display on a TTY (done of total, current tier, retries waiting on
 * throttling), plain lines in CI logs"), through main() in-process against the emulator, which throttles the set
 * definition writes with 429 + Retry-After: 1 s (what ARM sends, publisher-mechanics.md 3.3).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { staticTokenCredential, type ArmEmulator } from '../emulator/index.js';
import { emulator, FAST_RETRY, workspace, type Workspace } from '../publisher/helpers.js';
import { drawnRows, fakeTerminal } from '../helpers/terminal.js';

let emu: ArmEmulator;
let ws: Workspace;
beforeEach(async () => {
  emu = await emulator();
  ws = workspace();
  // Each set definition PUT is refused once: its retry waits the full second ARM asked for.
  emu.faults.add({ match: { method: 'PUT', pathIncludes: '/policySetDefinitions/' }, kind: '429', retryAfterSeconds: 1, times: 2 });
});
afterEach(async () => {
  await emu.close();
  ws.remove();
});

async function publish(io: { stderrIsTty: boolean; stderrStream?: NodeJS.WritableStream }) {
  let stdout = '';
  let stderr = '';
  const code = await main(['publish', '--mg', 'root', '--yes', '--endpoint', emu.url, '--config', ws.configFile], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    azure: { ca: emu.ca, credential: staticTokenCredential(), retry: FAST_RETRY },
    ...io,
  });
  return { code, stdout, stderr };
}

describe('publish: progress of the writes', () => {
  it('on a terminal: one live bar with writes done of total, the tiers in flight and the requests waiting on throttling', async () => {
    const term = fakeTerminal();
    const r = await publish({ stderrIsTty: true, stderrStream: term });
    expect(r.code).toBe(0);
    // The writes ARM accepted, counted at the emulator (the 429s were retried and are not writes).
    const writes = emu.writes().filter((q) => q.status < 300).length;
    expect(writes).toBeGreaterThanOrEqual(20); // enough for a bar (smaller steps print none)
    expect(r.stderr).toContain(`Published: ${writes} write(s)`);
    const screen = drawnRows(term.drawn()).join('\n');
    // While the throttled set definitions wait out their Retry-After, the bar names their tier and counts them.
    const waitingFrames = screen.split(/[\r\n]/).filter((f) => /^Publishing \(writes\) \[.*\] \d+\/\d+ .*waiting on throttling/.test(f));
    expect(waitingFrames.length).toBeGreaterThan(0);
    expect(waitingFrames.some((f) => / · [^·]*policy set definitions[^·]* · [1-9]\d* waiting on throttling/.test(f))).toBe(true);
    // It ends at done = total, with no stage and nothing waiting.
    const frames = screen.split(/[\r\n]/).filter((f) => f.startsWith('Publishing (writes) ['));
    expect(frames.at(-1)).toMatch(new RegExp(`\\] ${writes}/${writes} \\(100%, [^)]*\\)\\s*$`));
    // The tier lines go above the bar on the terminal (not in the middle of its line), the summary after it.
    expect(screen).toMatch(/(^|\n)policy set definitions: 2 done \(\d+ ms\)\n/);
    expect(r.stderr).not.toContain('policy set definitions: 2 done');
    expect(r.stderr).toMatch(/Published: \d+ write\(s\)/);
    // Throttling really happened (two 429s, each retried after its second).
    expect(emu.requests.filter((q) => q.status === 429)).toHaveLength(2);
  }, 30_000);

  it('in a log: plain lines, done of total in 10 % steps, and one line when throttling starts', async () => {
    const r = await publish({ stderrIsTty: false });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    const total = Number(/^Publishing \(writes\): 0\/(\d+)$/m.exec(r.stderr)?.[1]);
    expect(total).toBeGreaterThanOrEqual(20);
    expect(lines.filter((l) => /^Publishing \(writes\): \d+\/\d+, [1-9]\d* waiting on throttling \(ARM asked to slow down; its Retry-After is honoured\)$/.test(l))).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Publishing \\(writes\\): ${total}/${total} done in \\d+\\.\\d s$`)));
    expect(lines.filter((l) => l.startsWith('Publishing (writes)')).length).toBeLessThanOrEqual(12);
    expect(r.stderr).toMatch(/^policy set definitions: 2 done \(\d+ ms\)$/m);
    expect(r.stderr).not.toMatch(/\x1b\[/); // eslint-disable-line no-control-regex
  }, 30_000);
});
