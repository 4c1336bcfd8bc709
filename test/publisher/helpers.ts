/**
 * Shared set-up for the publisher tests: a temp copy of the fixture tree (config + generated/) that a test may
 * edit, an ARM emulator, and sessions that talk to it through the real SDK clients.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startArmEmulator, staticTokenCredential, type ArmEmulator, type EmulatorOptions } from '../emulator/index.js';
import { afterAll, beforeAll } from 'vitest';
import { openSession, type Session, type SessionOptions } from '../../src/publisher/session.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface Workspace {
  dir: string;
  configFile: string;
  readJson<T = any>(rel: string): T;
  writeJson(rel: string, value: unknown): void;
  editJson<T = any>(rel: string, edit: (v: T) => void): void;
  remove(): void;
}

/** A temporary copy of `source`'s generated/ and ztpolicy.config.json (default: the publisher test fixtures). */
export function workspace(source: string = fixturesDir): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'ztpolicy-pub-'));
  cpSync(join(source, 'generated'), join(dir, 'generated'), { recursive: true });
  cpSync(join(source, 'ztpolicy.config.json'), join(dir, 'ztpolicy.config.json'));
  const ws: Workspace = {
    dir,
    configFile: join(dir, 'ztpolicy.config.json'),
    readJson: (rel) => JSON.parse(readFileSync(join(dir, rel), 'utf8')),
    writeJson: (rel, value) => {
      const text = `${JSON.stringify(value, null, 2)}\n`;
      writeFileSync(join(dir, rel), text);
      // A test that edits a generated/ document stands for a rebuild: record the new sha256 in the manifest as the
      // build would (the publisher refuses a file whose bytes do not match it).
      const m = /^generated\/(.+)$/.exec(rel);
      if (m && m[1] !== 'manifest.json') {
        const manifest = ws.readJson('generated/manifest.json');
        for (const e of [...manifest.definitions, ...manifest.initiatives, ...(manifest.exemptions ?? [])]) if (e.file === m[1]) e.sha256 = createHash('sha256').update(text).digest('hex');
        writeFileSync(join(dir, 'generated/manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      }
    },
    editJson: (rel, edit) => {
      const v = ws.readJson(rel);
      edit(v);
      ws.writeJson(rel, v);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  return ws;
}

export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2000, maxRetries: 4, consistencyRetries: 8 };

export async function emulator(options: EmulatorOptions = {}): Promise<ArmEmulator> {
  return startArmEmulator({ principalTypeBypassesReplication: true, ...options });
}

export function session(emu: ArmEmulator, ws: Workspace, extra: Partial<SessionOptions> = {}): Promise<Session> {
  return openSession({
    configFile: ws.configFile,
    managementGroupId: 'root',
    endpoint: emu.url,
    ca: emu.ca,
    credential: staticTokenCredential(),
    retry: FAST_RETRY,
    cwd: ws.dir,
    env: {},
    ...extra,
  });
}

/**
 * An emulator and a fresh workspace for the enclosing describe block (or file): started before its first test and
 * removed after its last. Read `env.emu` / `env.ws` inside tests, not at collection time.
 */
export function emulatorWorkspace(options: EmulatorOptions = {}): { emu: ArmEmulator; ws: Workspace } {
  const env = {} as { emu: ArmEmulator; ws: Workspace };
  beforeAll(async () => {
    env.emu = await emulator(options);
    env.ws = workspace();
  });
  afterAll(async () => {
    await env.emu.close();
    env.ws.remove();
  });
  return env;
}
