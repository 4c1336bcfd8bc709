/**
 * Reads what `npm run build` wrote to generated/: manifest.json and the documents it lists. The manifest is not
 * trusted (issue 11.5): generated/ may come from a pull request or a cache. Every path it names must resolve
 * (symbolic links included) to a regular file inside generated/, and the file's bytes must hash to the manifest's
 * sha256 before they are parsed as content; a file that fails either check is refused without printing any of its
 * bytes. A stale or hand-edited tree is a clear error before any call to Azure.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BadInputError } from '../errors.js';
import { shownPath } from '../io/paths.js';
import type { Manifest, PolicyDefinitionDocument, PolicyExemptionDocument, PolicySetDefinitionDocument } from '../model.js';
import { PublisherCode } from './codes.js';

export interface Content {
  manifest: Manifest;
  definitions: PolicyDefinitionDocument[];
  setDefinitions: PolicySetDefinitionDocument[];
  /** Exemptions (generated/policyExemptions/), for every environment; the planner picks those of the target one. */
  exemptions: PolicyExemptionDocument[];
}

/** ARM refuses request bodies over 1 MiB (publisher-mechanics.md 3.1); a listed file far above it is not ours. */
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
const SHA256 = /^[0-9a-f]{64}$/;
const REBUILD = 'run `npm run build` to regenerate generated/';

function parseJson<T>(text: string, shown: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new BadInputError(PublisherCode.contentNotJson, `${shown} is not valid JSON: ${(e as Error).message}`, {
      file: shown,
      hint: 'generated/ is build output: run `npm run build` instead of editing it',
    });
  }
}

/** True when `path` is `dir` or below it (both already absolute and free of symbolic links). */
function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The bytes of one manifest entry, after the checks that make them safe to use: a relative path that stays inside
 * generated/ once symbolic links are resolved, a regular file of sane size, and a sha256 equal to the manifest's.
 * Messages name the entry and the path, never the file's content.
 */
function readListed(generatedDir: string, realDir: string, entry: { file?: unknown; sha256?: unknown }, at: string, show: (p: string) => string): string {
  const manifestShown = show(join(generatedDir, 'manifest.json'));
  const outside = (why: string) =>
    new BadInputError(PublisherCode.contentOutsideGenerated, `${manifestShown} lists ${JSON.stringify(entry.file)} ${why}; refusing to read it`, {
      file: manifestShown,
      jsonPath: `${at}.file`,
      hint: `every file in the manifest must be a relative path inside generated/; ${REBUILD}`,
    });
  if (typeof entry.file !== 'string' || entry.file === '' || isAbsolute(entry.file) || entry.file.includes('\0')) throw outside('which is not a relative path');
  const path = resolve(generatedDir, entry.file);
  if (!isInside(resolve(generatedDir), path)) throw outside('which is outside generated/');
  const shown = show(path);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new BadInputError(PublisherCode.contentFileMissing, `${shown} is listed in generated/manifest.json but does not exist`, { file: shown, hint: REBUILD });
  }
  if (!isInside(realDir, real)) throw outside('which resolves (through a symbolic link) outside generated/');
  const stat = statSync(real);
  if (!stat.isFile() || stat.size > MAX_DOCUMENT_BYTES) throw outside(`which is not a regular file of at most ${MAX_DOCUMENT_BYTES} bytes`);
  if (typeof entry.sha256 !== 'string' || !SHA256.test(entry.sha256)) {
    throw new BadInputError(PublisherCode.contentChecksum, `${manifestShown} gives no sha256 for ${shown}; refusing to use it`, { file: manifestShown, jsonPath: `${at}.sha256`, hint: REBUILD });
  }
  const bytes = readFileSync(real);
  if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
    throw new BadInputError(PublisherCode.contentChecksum, `${shown} does not match the sha256 generated/manifest.json records for it (edited or replaced after the build); refusing to publish it`, {
      file: shown,
      jsonPath: `${at}.sha256`,
      hint: `${REBUILD}; never edit generated/ by hand`,
    });
  }
  return bytes.toString('utf8');
}

export function loadContent(generatedDir: string, cwd: string = process.cwd()): Content {
  const show = (p: string) => shownPath(p, cwd);
  const manifestFile = join(generatedDir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new BadInputError(PublisherCode.manifestNotFound, `${show(manifestFile)} not found`, {
      file: show(manifestFile),
      hint: 'run `npm run build` first (publish reads the build output in generated/), or set generatedDir in the config',
    });
  }
  const manifest = parseJson<Manifest>(readFileSync(manifestFile, 'utf8'), show(manifestFile));
  if (!Array.isArray(manifest?.definitions) || !Array.isArray(manifest.initiatives)) {
    throw new BadInputError(PublisherCode.manifestShape, `${show(manifestFile)} has no definitions/initiatives arrays`, {
      file: show(manifestFile),
      jsonPath: '$',
      hint: REBUILD,
    });
  }
  const realDir = realpathSync(generatedDir);
  const load = <T>(entry: { file: string; sha256: string }, at: string): T => {
    const text = readListed(generatedDir, realDir, entry ?? {}, at, show);
    const doc = parseJson<T & { name?: unknown; properties?: unknown }>(text, show(join(generatedDir, entry.file)));
    if (typeof doc?.name !== 'string' || typeof doc.properties !== 'object' || doc.properties === null) {
      throw new BadInputError(PublisherCode.contentNotADocument, `${show(join(generatedDir, entry.file))} is not a { name, properties } document`, {
        file: show(join(generatedDir, entry.file)),
        jsonPath: '$',
        hint: REBUILD,
      });
    }
    return doc;
  };
  const definitions = manifest.definitions.map((d, i) => load<PolicyDefinitionDocument>(d, `$.definitions[${i}]`));
  const setDefinitions = manifest.initiatives.map((s, i) => load<PolicySetDefinitionDocument>(s, `$.initiatives[${i}]`));
  const exemptions = (Array.isArray(manifest.exemptions) ? manifest.exemptions : []).map((e, i) => {
    const doc = load<PolicyExemptionDocument>(e, `$.exemptions[${i}]`);
    if (typeof doc.scope !== 'string' || typeof doc.initiative !== 'string') {
      throw new BadInputError(PublisherCode.contentNotAnExemption, `${show(join(generatedDir, e.file))} is not a { name, scope, initiative, properties } exemption document`, {
        file: show(join(generatedDir, e.file)),
        jsonPath: '$',
        hint: REBUILD,
      });
    }
    return doc;
  });
  return { manifest, definitions, setDefinitions, exemptions };
}
