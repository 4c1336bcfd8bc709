/**
 * Reads exemption documents (generated/policyExemptions/*.json) for `ztpolicy evaluate`: a file or a folder of
 * them. A file that is not an exemption document is bad input (exit 2) naming the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../errors.js';
import type { PolicyExemptionDocument } from '../model.js';
import { InputCode } from './evaluate-inputs.js';

/** The policyExemptions/ folder of each --policy folder that has one (what `ztpolicy build` writes). */
export function defaultExemptionPaths(policyPaths: readonly string[]): string[] {
  return policyPaths
    .filter((p) => existsSync(p) && statSync(p).isDirectory())
    .map((p) => join(p, 'policyExemptions'))
    .filter((p) => existsSync(p));
}

export function loadExemptionDocuments(paths: readonly string[]): PolicyExemptionDocument[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new BadInputError(InputCode.unreadable, `exemptions path ${p} does not exist`, { file: p, hint: 'pass generated/policyExemptions (after npm run build) or an exemption JSON file' });
    if (statSync(p).isDirectory()) files.push(...readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)));
    else files.push(p);
  }
  return files.map((file) => {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new BadInputError(InputCode.invalidJson, `${file} is not valid JSON: ${(e as Error).message}`, { file, jsonPath: '$', hint: 'run `npm run build` to regenerate generated/' });
    }
    const d = doc as Partial<PolicyExemptionDocument>;
    if (typeof d?.name !== 'string' || typeof d.scope !== 'string' || typeof d.initiative !== 'string' || typeof d.properties !== 'object' || d.properties === null) {
      throw new BadInputError(InputCode.notAnExemption, `${file} is not an exemption document ({ name, scope, initiative, properties })`, { file, jsonPath: '$', hint: 'pass files written by `ztpolicy build` under generated/policyExemptions/' });
    }
    return d as PolicyExemptionDocument;
  });
}

/** One line per exemption for `evaluate --verbose`: what it exempts, where, and whether it still applies at `now`. */
export function exemptionSummaries(docs: readonly PolicyExemptionDocument[], now: Date): string[] {
  return docs.map((d) => {
    const refs = d.properties.policyDefinitionReferenceIds;
    const members = refs && refs.length > 0 ? refs.join(', ') : 'every member';
    const expires = d.properties.expiresOn;
    const state = expires === undefined ? 'no expiry' : Date.parse(expires) <= now.getTime() ? `expired ${expires}, not applied` : `until ${expires}`;
    return `exemption ${d.name}: ${d.initiative} (${members}) at ${d.scope}, ${d.properties.exemptionCategory}, ${state}`;
  });
}
