import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ArmResource } from './state.js';

/**
 * Built-in policy definitions and initiatives served from a checkout of Azure/azure-policy's
 * built-in-policies folder (../shared/azure/builtins/built-in-policies). Indexing is lazy and done once
 * per folder per process: the first request that needs a built-in reads only the tail of each file (the
 * `id`/`name` sit at the end), so a lookup costs one parse of one file. The folder holds ~5,000
 * definitions (~39 MB); parsing all of them happens only for unfiltered tenant/MG listings.
 *
 * Files under "Azure Government" duplicate public-cloud ids with sovereign variants; the public-cloud
 * file wins, as the emulator plays the public cloud.
 */
export type BuiltinKind = 'policyDefinitions' | 'policySetDefinitions';

interface KindIndex {
  /** lower-cased name -> file */
  files: Map<string, string>;
  parsed: Map<string, ArmResource>;
  all?: Promise<ArmResource[]>;
}

export class BuiltinStore {
  private index?: Promise<Record<BuiltinKind, KindIndex>>;

  constructor(readonly dir: string) {}

  private load(): Promise<Record<BuiltinKind, KindIndex>> {
    this.index ??= Promise.all([indexKind(path.join(this.dir, 'policyDefinitions')), indexKind(path.join(this.dir, 'policySetDefinitions'))]).then(
      ([defs, sets]) => ({
        policyDefinitions: { files: defs, parsed: new Map() },
        policySetDefinitions: { files: sets, parsed: new Map() },
      }),
    );
    return this.index;
  }

  async get(kind: BuiltinKind, name: string): Promise<ArmResource | undefined> {
    const idx = (await this.load())[kind];
    const key = name.toLowerCase();
    const cached = idx.parsed.get(key);
    if (cached) return cached;
    const file = idx.files.get(key);
    if (!file) return undefined;
    const doc = JSON.parse(await readFile(file, 'utf8')) as ArmResource;
    idx.parsed.set(key, doc);
    return doc;
  }

  async has(kind: BuiltinKind, name: string): Promise<boolean> {
    return (await this.load())[kind].files.has(name.toLowerCase());
  }

  async list(kind: BuiltinKind): Promise<ArmResource[]> {
    const idx = (await this.load())[kind];
    idx.all ??= (async () => {
      const names = [...idx.files.keys()].sort();
      const out: ArmResource[] = [];
      for (const n of names) {
        const doc = await this.get(kind, n);
        if (doc) out.push(doc);
      }
      return out;
    })();
    return idx.all;
  }
}

const stores = new Map<string, BuiltinStore>();

/** One store per folder per process, so several emulators in one test file share the index. */
export function builtinStore(dir: string): BuiltinStore {
  const key = path.resolve(dir);
  let s = stores.get(key);
  if (!s) {
    s = new BuiltinStore(key);
    stores.set(key, s);
  }
  return s;
}

const TAIL_BYTES = 512;
/**
 * The resource's own id, which upstream files end with. Kind-specific, so a set file whose tail lists its
 * members (…/policyDefinitions/<guid>) is never indexed under a member's name.
 */
const ID_IN_TAIL: Record<string, RegExp> = {
  policyDefinitions: /"id"\s*:\s*"\/providers\/Microsoft\.Authorization\/policyDefinitions\/([^"/]+)"/i,
  policySetDefinitions: /"id"\s*:\s*"\/providers\/Microsoft\.Authorization\/policySetDefinitions\/([^"/]+)"/i,
};

async function indexKind(dir: string): Promise<Map<string, string>> {
  const idRe = ID_IN_TAIL[path.basename(dir)]!;
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return new Map();
  }
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name))
    // Public-cloud files first so they win over the Azure Government duplicates.
    .sort((a, b) => Number(a.includes(`${path.sep}Azure Government${path.sep}`)) - Number(b.includes(`${path.sep}Azure Government${path.sep}`)) || a.localeCompare(b));
  // The folder is a read-only snapshot: an index keyed by its file listing can be reused across
  // processes (vitest runs each test file in its own fork), which saves reading ~5,000 files each time.
  const listingHash = createHash('sha256').update(dir).update('\0').update(files.join('\0')).digest('hex').slice(0, 24);
  const cacheFile = path.join(os.tmpdir(), `ztpolicy-arm-emulator-builtins-v2-${listingHash}.json`);
  // Small folders (test fixtures in fresh temp dirs) are cheap to index and would only litter tmpdir.
  const useCache = files.length >= 500;
  try {
    if (!useCache) throw new Error('no cache');
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, string>;
    return new Map(Object.entries(cached).map(([k, rel]) => [k, path.join(dir, rel)]));
  } catch {
    // no usable cache: build the index below
  }
  const names: (string | undefined)[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    const buf = Buffer.alloc(TAIL_BYTES);
    while (next < files.length) {
      const i = next++;
      names[i] = await nameOf(files[i]!, buf, idRe);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const map = new Map<string, string>();
  files.forEach((f, i) => {
    const n = names[i];
    if (n !== undefined && !map.has(n.toLowerCase())) map.set(n.toLowerCase(), f);
  });
  try {
    if (!useCache) return map;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries([...map].map(([k, f]) => [k, path.relative(dir, f)]))));
    await rename(tmp, cacheFile);
  } catch {
    // the cache is an optimisation only
  }
  return map;
}

async function nameOf(file: string, buf: Buffer, idRe: RegExp): Promise<string | undefined> {
  const fh = await open(file);
  try {
    const { size } = await fh.stat();
    const len = Math.min(TAIL_BYTES, size);
    const { bytesRead } = await fh.read(buf, 0, len, size - len);
    const m = idRe.exec(buf.toString('utf8', 0, bytesRead));
    if (m) return m[1];
  } finally {
    await fh.close();
  }
  // The id is not at the end of this file: parse it whole.
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as { name?: unknown };
    return typeof doc.name === 'string' ? doc.name : undefined;
  } catch {
    return undefined;
  }
}
