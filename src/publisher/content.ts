/**
 * Reads what `npm run build` wrote to generated/: manifest.json and the documents it lists. The publisher trusts the
 * manifest as the index (the build keeps it in step with the files) but checks every file it names exists and
 * parses, so a stale or hand-edited tree is a clear error before any call to Azure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../errors.js';
import { shownPath } from '../io/paths.js';
import type { Manifest, PolicyDefinitionDocument, PolicySetDefinitionDocument } from '../model.js';
import { PublisherCode } from './codes.js';

export interface Content {
  manifest: Manifest;
  definitions: PolicyDefinitionDocument[];
  setDefinitions: PolicySetDefinitionDocument[];
}

function readJson<T>(file: string, shown: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BadInputError(PublisherCode.contentFileMissing, `${shown} is listed in generated/manifest.json but does not exist`, {
      file: shown,
      hint: 'run `npm run build` to regenerate generated/',
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new BadInputError(PublisherCode.contentNotJson, `${shown} is not valid JSON: ${(e as Error).message}`, {
      file: shown,
      hint: 'generated/ is build output: run `npm run build` instead of editing it',
    });
  }
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
  const manifest = readJson<Manifest>(manifestFile, show(manifestFile));
  if (!Array.isArray(manifest.definitions) || !Array.isArray(manifest.initiatives)) {
    throw new BadInputError(PublisherCode.manifestShape, `${show(manifestFile)} has no definitions/initiatives arrays`, {
      file: show(manifestFile),
      jsonPath: '$',
      hint: 'run `npm run build` to regenerate generated/',
    });
  }
  const definitions = manifest.definitions.map((d) =>
    readJson<PolicyDefinitionDocument>(join(generatedDir, d.file), show(join(generatedDir, d.file))),
  );
  const setDefinitions = manifest.initiatives.map((i) =>
    readJson<PolicySetDefinitionDocument>(join(generatedDir, i.file), show(join(generatedDir, i.file))),
  );
  for (const [i, doc] of [...definitions, ...setDefinitions].entries()) {
    if (typeof doc?.name !== 'string' || typeof doc.properties !== 'object' || doc.properties === null) {
      const entry = i < definitions.length ? manifest.definitions[i]! : manifest.initiatives[i - definitions.length]!;
      throw new BadInputError(PublisherCode.contentNotADocument, `${show(join(generatedDir, entry.file))} is not a { name, properties } document`, {
        file: show(join(generatedDir, entry.file)),
        jsonPath: '$',
        hint: 'run `npm run build` to regenerate generated/',
      });
    }
  }
  return { manifest, definitions, setDefinitions };
}
