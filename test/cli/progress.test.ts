/**
 * The live display (src/cli/progress.ts) on a terminal: steps running side by side are bars of one display, lines
 * print above them, and the display ends once, after the last step.
 */
import { describe, expect, it } from 'vitest';
import { cliProgress } from '../../src/cli/progress.js';
import { drawnRows as rows, fakeTerminal as terminal } from '../helpers/terminal.js';

describe('cliProgress on a terminal', () => {
  it('draws two steps running side by side as two bars, prints lines above them, and ends after the last step', () => {
    const term = terminal();
    let plain = '';
    const progress = cliProgress({ stdout: () => {}, stderr: (t) => (plain += t), stderrIsTty: true, stderrStream: term }, { minTotal: 1 });
    const writes = progress('Publishing (writes)', 4);
    const subs = progress('Writing Defender plans (subscriptions)', 2);
    writes.stage('policy definitions');
    writes.tick(2);
    subs.tick(2);
    progress.line('policy definitions: 2 done (10 ms)');
    subs.done();
    writes.tick(2);
    writes.done();
    progress.line('Published: 4 write(s)');
    const drawn = rows(term.drawn());
    // Both bars end at their totals in the last frame, the logged line above them.
    expect(drawn).toContainEqual(expect.stringMatching(/^Publishing \(writes\) \[.*\] 4\/4 \(100%/));
    expect(drawn).toContainEqual(expect.stringMatching(/^Writing Defender plans \(subscriptions\) \[.*\] 2\/2 \(100%/));
    expect(drawn).toContain('policy definitions: 2 done (10 ms)');
    expect(drawn.indexOf('policy definitions: 2 done (10 ms)')).toBeLessThan(drawn.lastIndexOf(drawn.find((r) => r.startsWith('Publishing (writes) [') && r.includes('4/4'))!));
    // The display ends once (the cursor shown again), after the last step's final frame.
    const shown = term.drawn().split('\x1b[?25h');
    expect(shown).toHaveLength(2);
    expect(rows(shown[0]!)).toContainEqual(expect.stringMatching(/^Publishing \(writes\) \[.*\] 4\/4 \(100%/));
    // After the display ended, lines go straight to stderr, not through the finished display.
    expect(plain).toBe('Published: 4 write(s)\n');
    expect(term.drawn()).not.toContain('Published: 4 write(s)');
  });
});
