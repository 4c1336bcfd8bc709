/**
 * The pipeline files (.github/workflows/ztpolicy.yml, .azure-pipelines/ztpolicy.yml) are valid YAML, call only
 * ztpolicy commands and flags that exist (asked of the CLI itself: `<command> --help` run through main()), only
 * npm scripts package.json has, authenticate without stored secrets (OIDC / workload identity), and gate a
 * publish that deletes behind an approval.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../src/cli/main.js';
import { repoRoot } from './helpers/cli.js';

const GITHUB = '.github/workflows/ztpolicy.yml';
const ADO = '.azure-pipelines/ztpolicy.yml';

function load(rel: string): { text: string; doc: any } {
  const text = readFileSync(join(repoRoot, rel), 'utf8');
  return { text, doc: parse(text, { strict: true, uniqueKeys: true }) };
}

/** Every shell script in the pipeline: GitHub `run`, Azure DevOps `script` and AzureCLI `inlineScript`. */
function scripts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) scripts(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'run' || k === 'script' || k === 'inlineScript') && typeof v === 'string') out.push(v);
      else scripts(v, out);
    }
  }
  return out;
}

/** The CLI as package.json's `bin` names it (what `npm run build` produces): workflows must run that file. */
const BIN = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: { ztpolicy: string } }).bin.ztpolicy;

/** ztpolicy invocations: `node <bin> <command> <args...>` up to the end of the shell command. */
function invocations(script: string): { command: string; flags: string[] }[] {
  return [...script.matchAll(new RegExp(`node ${BIN.replace(/[.]/g, '\\.')} ([a-z-]+)([^\\n;|&>]*)`, 'g'))].map((m) => ({
    command: m[1]!,
    flags: [...m[2]!.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((f) => f[1]!),
  }));
}

const helpCache = new Map<string, { code: number; stdout: string }>();
async function help(command: string) {
  if (!helpCache.has(command)) {
    let stdout = '';
    const code = await main([command, '--help'], { stdout: (t) => (stdout += t), stderr: () => {} });
    helpCache.set(command, { code, stdout });
  }
  return helpCache.get(command)!;
}

describe.each([GITHUB, ADO])('%s', (file) => {
  const { text, doc } = load(file);

  it('is valid YAML with jobs or stages', () => {
    expect(doc).toBeTypeOf('object');
    expect(doc.jobs ?? doc.stages).toBeDefined();
  });

  it('calls only ztpolicy commands and flags the CLI has', async () => {
    const calls = scripts(doc).flatMap(invocations);
    // No script runs some other built file (a path that `npm run build` no longer produces).
    for (const s of scripts(doc)) for (const m of s.matchAll(/node (dist\/\S+)/g)) expect(m[1]).toBe(BIN);
    expect(calls.map((c) => c.command).sort()).toEqual(expect.arrayContaining(['check', 'plan', 'publish']));
    for (const { command, flags } of calls) {
      const h = await help(command);
      expect(h.code, `${command} --help`).toBe(0);
      expect(h.stdout, `'${command}' is a command`).toContain(`ztpolicy ${command}`);
      for (const flag of flags) expect(h.stdout, `${command} ${flag}`).toMatch(new RegExp(`${flag}\\b`));
    }
  });

  it('runs only npm scripts package.json defines', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const used = scripts(doc).flatMap((s) => [...s.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(0);
    for (const s of used) expect(Object.keys(pkg.scripts), s).toContain(s);
  });

  it('stores no secret: no secrets context, no client secret, no password', () => {
    expect(text).not.toMatch(/secrets\./i);
    expect(text).not.toMatch(/client-secret|clientSecret|password/i);
  });

  it('publishes with --yes (deletions) only on the approval path', () => {
    const publishes = scripts(doc).flatMap(invocations).filter((c) => c.command === 'publish');
    expect(publishes.length).toBeGreaterThan(0);
    for (const line of scripts(doc).filter((s) => s.includes(`${BIN} publish`))) {
      if (line.includes('--yes')) expect(line).toMatch(/hasDeletes == 'true' && '--yes'|--yes\s*$/m);
    }
  });
});

describe('GitHub workflow specifics', () => {
  const { doc } = load(GITHUB);
  it('uses OIDC (id-token: write, azure/login with a client id, no secret) for plan and publish', () => {
    for (const job of ['plan', 'publish']) {
      expect(doc.jobs[job].permissions['id-token'], job).toBe('write');
      const login = doc.jobs[job].steps.find((s: any) => String(s.uses).startsWith('azure/login@'));
      expect(login.with['client-id'], job).toMatch(/vars\.AZURE_CLIENT_ID/);
    }
  });
  it('posts the plan as a comment it updates (marker per environment), on pull requests only', () => {
    const post = doc.jobs.plan.steps.find((s: any) => String(s.uses).startsWith('actions/github-script@'));
    expect(post.if).toContain('pull_request');
    expect(post.with.script).toContain('updateComment');
    expect(post.with.script).toContain('<!-- ztpolicy-plan:');
  });
  it('gates a publish that deletes behind the environment with reviewers', () => {
    expect(doc.jobs.publish.environment).toMatch(/hasDeletes == 'true' && 'prod-deletes'/);
    expect(doc.on.push.branches).toEqual(['main']);
  });
});

describe('Azure DevOps pipeline specifics', () => {
  const { doc } = load(ADO);
  it('publishes through deployment jobs whose deleting path needs the approval environment', () => {
    const jobs = doc.stages.find((s: any) => s.stage === 'Publish').jobs;
    const withDeletes = jobs.find((j: any) => /^eq\(stageDependencies\.Plan\.plan\.outputs\['result\.hasDeletes'\], 'true'\)$/.test(j.condition));
    expect(withDeletes.environment).toBe('ztpolicy-prod-deletes');
    const plain = jobs.find((j: any) => /^ne\(stageDependencies\.Plan\.plan\.outputs\['result\.hasDeletes'\], 'true'\)$/.test(j.condition));
    // The output the conditions read is the one the plan step sets.
    const plan = doc.stages.find((s: any) => s.stage === 'Plan').jobs.find((j: any) => j.job === 'plan');
    const step = plan.steps.find((s: any) => s.name === 'result');
    expect(step.inputs.inlineScript).toContain('##vso[task.setvariable variable=hasDeletes;isOutput=true]');
    expect(JSON.stringify(plain)).not.toContain('--yes');
  });
});
