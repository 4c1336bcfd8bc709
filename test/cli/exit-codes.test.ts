/**
 * The exit codes README.md documents are the ones the CLI returns (src/errors.ts ExitCode, mapped in one place,
 * src/cli/main.ts), every command's help states only those codes, and the README's command list is the CLI's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { ExitCode } from '../../src/errors.js';
import { repoRoot } from '../helpers/cli.js';

/** The README's "## Exit codes" table as code -> meaning. */
function readmeTable(): Map<number, string> {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## Exit codes$/m)[1]!.split(/^## /m)[0]!;
  const rows = new Map<number, string>();
  for (const m of section.matchAll(/^\| (\d+) \| (.+) \|$/gm)) rows.set(Number(m[1]), m[2]!);
  return rows;
}

/** What each ExitCode member means, in the words the README must use for it. */
const MEANING: Record<keyof typeof ExitCode, RegExp> = {
  ok: /^success/,
  checkFailed: /^a check failed/,
  badInput: /^usage error or bad input/,
  azure: /^Azure refused or failed/,
  bug: /^a bug in ztpolicy/,
};

describe('exit codes', () => {
  it('README.md documents exactly the codes of src/errors.ts, each with its meaning', () => {
    const table = readmeTable();
    expect([...table.keys()].sort()).toEqual(Object.values(ExitCode).sort());
    for (const [name, code] of Object.entries(ExitCode)) expect(table.get(code), name).toMatch(MEANING[name as keyof typeof ExitCode]);
  });

  it.each(COMMANDS.map((c) => c.command.split(' ')[0]!))("%s --help names only documented exit codes", async (name) => {
    let out = '';
    expect(await main([name, '--help'], { stdout: (t) => (out += t), stderr: () => undefined })).toBe(0);
    expect(out).toContain('Exit codes:');
    const epilog = out.split(/Exit codes:/)[1]!;
    const codes = [...epilog.split(/\n\n/)[0]!.matchAll(/(?:^|[\s,;:])(\d)(?= )/g)].map((m) => Number(m[1]));
    expect(codes.length).toBeGreaterThan(0);
    for (const c of codes) expect(Object.values(ExitCode)).toContain(c);
  });
});

describe('README command list', () => {
  it('names every command the CLI registers, and only those', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.split(/^## Commands$/m)[1]!.split(/^## /m)[0]!;
    const listed = [...section.matchAll(/^\| `ztpolicy (\S+)/gm)].map((m) => m[1]!.replace(/`$/, ''));
    expect(listed.sort()).toEqual([...COMMANDS.map((c) => c.command.split(' ')[0]!), 'completion'].sort());
  });
});
