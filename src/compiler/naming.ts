/**
 * The one place that derives names (house style rule 1): policy (set) definition name rules, the assignment
 * name of an initiative at management-group scope, member reference ids, and the generated/ file paths.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../errors.js';
import type { Unit } from '../model.js';

/** Definition and set definition names: at most 64 characters (ARM: InvalidPolicyDefinitionName). */
export const DEFINITION_NAME_MAX = 64;
/** Assignment names at management-group scope: at most 24 characters (ARM: InvalidPolicyAssignmentName). */
export const MG_ASSIGNMENT_NAME_MAX = 24;
/** Characters ARM forbids in policy resource names (plus control characters). */
const FORBIDDEN = /[<>*%&:\\?.+/\u0000-\u001f]/;
/**
 * Our stricter house rule: lower-case kebab-case, so names are portable (file names, URLs) and a name never
 * differs from its file name by case only.
 */
export const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** First `length` hex characters of the SHA-256 of `text`: the stable suffix of every shortened name. */
export function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);
}

/**
 * Name problems of a policy definition or set definition name, as diagnostics (codes ZT3001, ZT3002, ZT6011).
 * `houseRules: false` (imported objects keep their Azure names) checks only what Azure enforces.
 */
export function checkPolicyName(name: string, what: 'definition' | 'initiative', jsonPath = '$.name', houseRules = true): Diagnostic[] {
  const out: Diagnostic[] = [];
  const label = what === 'definition' ? 'policy definition name' : 'policy set definition name';
  if (name.length === 0 || name.length > DEFINITION_NAME_MAX) {
    out.push({
      code: 'ZT3001',
      severity: 'error',
      message: `${label} "${name}" has ${name.length} characters; Azure allows 1 to ${DEFINITION_NAME_MAX}`,
      hint: 'Shorten the name (and rename the file to match).',
      jsonPath,
    });
  }
  if (FORBIDDEN.test(name) || /[ .]$/.test(name)) {
    out.push({
      code: 'ZT3002',
      severity: 'error',
      message: `${label} "${name}" contains a character Azure forbids (< > * % & : \\ ? . + / or a control character) or ends with a space or period`,
      hint: 'Use lower-case kebab-case, e.g. zt-stg-02-minimum-tls.',
      jsonPath,
    });
  } else if (houseRules && !NAME_PATTERN.test(name)) {
    out.push({
      code: 'ZT6011',
      severity: 'error',
      message: `${label} "${name}" is not lower-case kebab-case`,
      hint: 'Use only a-z, 0-9 and single hyphens, e.g. zt-stg-02-minimum-tls.',
      jsonPath,
    });
  }
  return out;
}

/** 'ZT-STG-02' -> 'zt-stg-02': the prefix a control's policy name must start with. */
export function controlNamePrefix(controlId: string): string {
  return controlId.toLowerCase();
}

/**
 * Assignment name of an initiative at management-group scope (<= 24 characters): the initiative name when it
 * fits ('zt-storage'), otherwise a readable prefix plus 6 hex characters of the SHA-256 of the full name, so
 * two long initiatives never share a name and the name never changes between runs.
 */
export function assignmentName(initiativeName: string): string {
  const clean = initiativeName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (clean.length > 0 && clean.length <= MG_ASSIGNMENT_NAME_MAX && clean === initiativeName) return clean;
  const hash = shortHash(initiativeName, 6);
  const prefix = clean.slice(0, MG_ASSIGNMENT_NAME_MAX - hash.length - 1).replace(/-+$/, '');
  return prefix.length > 0 ? `${prefix}-${hash}` : `zt-${hash}`;
}

/** Lower-case kebab slug of free text, cut at a word boundary to at most `max` characters. */
export function slug(text: string, max: number): string {
  const s = text.toLowerCase().replace(/\[[^\]]*\]/g, ' ').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const lastDash = cut.lastIndexOf('-');
  return (lastDash > max / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/, '');
}

/** policyDefinitionReferenceId of a control member: its policy name (unique per project). */
export function controlReferenceId(controlName: string): string {
  return controlName;
}

/**
 * policyDefinitionReferenceId of a built-in member: the control id it implements (when given), a slug of its
 * display name and the first 8 characters of its GUID
 * ("zt-stg-06-storage-accounts-should-prevent-shared-key-access-8c6a50c6"), so compliance views name the control,
 * and the id stays stable as long as the control and the GUID do. At most 64 characters.
 */
export function builtinReferenceId(displayName: string, guid: string, controlId?: string): string {
  const tail = guid.toLowerCase().slice(0, 8);
  const prefix = controlId === undefined ? '' : `${controlNamePrefix(controlId)}-`;
  const head = slug(displayName, DEFINITION_NAME_MAX - prefix.length - tail.length - 1);
  return head.length > 0 ? `${prefix}${head}-${tail}` : `${prefix}builtin-${tail}`;
}

/** Group names of policyDefinitionGroups. */
export function principleGroupName(principle: string): string {
  return principle;
}
export function unitGroupName(unit: Unit): string {
  return `unit-${unit}`;
}
/** The group of every member implementing one catalog control: 'ZT-STG-01' -> 'zt-stg-01'. */
export function controlGroupName(controlId: string): string {
  return controlNamePrefix(controlId);
}

/** generated/ paths (relative, forward slashes). */
export function definitionOutputPath(unit: Unit, name: string): string {
  return `policyDefinitions/${unit}/${name}.json`;
}
export function initiativeOutputPath(name: string): string {
  return `policySetDefinitions/${name}.json`;
}
