import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('ztpolicy CLI', () => {
  it('lists every command in --help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['build', 'check', 'evaluate', 'plan', 'publish']) expect(r.stdout).toMatch(new RegExp(`ztpolicy ${c}`));
  });

  it('rejects an unknown command with exit 2 and a suggestion, no stack trace', async () => {
    const r = await runCli(['buidl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Did you mean build/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when no command is given', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
  });
});
