/**
 * `ztpolicy completion` (yargs' completion command, registered in src/cli/main.ts): the script it prints, the
 * answers to the script's callback (`ztpolicy --get-yargs-completions <words>`), and the script run by a real
 * bash against the real CLI, so the words a user gets on <TAB> are the commands and options that exist.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { repoRoot } from '../helpers/cli.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** The commands `ztpolicy --help` lists (read from the help text, not from the registry the CLI is built on). */
async function helpCommands(): Promise<string[]> {
  const help = (await run(['--help'])).out;
  const section = help.split(/^Commands:$/m)[1]!.split(/^\S/m)[0]!;
  return [...section.matchAll(/^ {2}ztpolicy (\S+)/gm)].map((m) => m[1]!).sort();
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('ztpolicy completion', () => {
  it('prints a bash script that asks the CLI for its words and registers itself for ztpolicy', async () => {
    vi.stubEnv('SHELL', '/bin/bash');
    const r = await run(['completion']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('ztpolicy --get-yargs-completions');
    expect(r.out).toMatch(/^complete .*-F _ztpolicy_yargs_completions ztpolicy$/m);
  });

  it('prints a zsh script when $SHELL is zsh', async () => {
    vi.stubEnv('SHELL', '/usr/bin/zsh');
    const r = await run(['completion']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ztpolicy --get-yargs-completions');
    expect(r.out).toMatch(/compdef _ztpolicy_yargs_completions ztpolicy/);
  });

  it('completes the first word with exactly the commands --help lists', async () => {
    const r = await run(['--get-yargs-completions', 'ztpolicy', '']);
    expect(r.code).toBe(0);
    const words = r.out.trim().split('\n').sort();
    expect(words).toEqual(await helpCommands());
    // Every registered command is offered (a new one cannot be left out), and completion itself.
    expect(words).toEqual([...COMMANDS.map((c) => c.command.split(' ')[0]!), 'completion'].sort());
  });

  it("completes a command's options, the shared ones included", async () => {
    const r = await run(['--get-yargs-completions', 'ztpolicy', 'plan', '--']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual(expect.arrayContaining(['--mg', '--env', '--markdown', '--json', '--quiet', '--verbose']));
    const exp = await run(['--get-yargs-completions', 'ztpolicy', 'export', '--']);
    expect(exp.out.trim().split('\n')).toEqual(expect.arrayContaining(['--mg', '--out', '--json', '--quiet', '--verbose']));
    expect(exp.out).not.toContain('--markdown');
  });

  it('works in a real bash: <TAB> after "ztpolicy pl" gives plan, after "ztpolicy plan --e" the two options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ztpolicy-completion-'));
    dirs.push(dir);
    // `ztpolicy` on PATH as an installed package would put it: the CLI entry run by this Node with tsx.
    writeFileSync(join(dir, 'ztpolicy'), `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(repoRoot, 'src/cli/bin.ts')}" "$@"\n`);
    chmodSync(join(dir, 'ztpolicy'), 0o755);
    vi.stubEnv('SHELL', '/bin/bash');
    writeFileSync(join(dir, 'completion.sh'), (await run(['completion'])).out);
    const script = [
      `source ${JSON.stringify(join(dir, 'completion.sh'))}`,
      'COMP_WORDS=(ztpolicy pl); COMP_CWORD=1; _ztpolicy_yargs_completions; echo "1:${COMPREPLY[*]}"',
      'COMP_WORDS=(ztpolicy plan --e); COMP_CWORD=2; _ztpolicy_yargs_completions; echo "2:${COMPREPLY[*]}"',
    ].join('\n');
    const bash = spawnSync('bash', ['-c', script], { cwd: repoRoot, env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NO_COLOR: '1' }, encoding: 'utf8' });
    expect(bash.status, bash.stderr).toBe(0);
    expect(bash.stdout).toContain('1:plan\n');
    expect(bash.stdout.match(/^2:(.*)$/m)![1]!.split(' ').sort()).toEqual(['--endpoint', '--env']);
  }, 30_000);
});
