/**
 * Diagnostic codes the compiler adds to the project catalog (src/validate/codes.ts holds ZT1xxx-ZT4xxx; the
 * compiler reuses those where the meaning is the same and owns ZT6xxx, listed here so the catalog can merge
 * them). Each entry: id, severity, title, how to fix.
 */
import type { Diagnostic, Severity } from '../errors.js';

export interface CompilerCode {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly hint: string;
}

export const COMPILER_CODES: readonly CompilerCode[] = [
  { id: 'ZT6001', severity: 'error', title: 'unknown alias', hint: 'Use an alias of the resource type from the catalog (see the suggestion), or fieldsOf(type)(alias) for another type.' },
  { id: 'ZT6002', severity: 'error', title: 'function not available in policy rules', hint: 'Use a policy function (Learn "definition structure policy rule", Policy functions); deployment-only functions belong in the deployIfNotExists template.' },
  { id: 'ZT6003', severity: 'error', title: 'version is not a semantic version', hint: 'Write version as MAJOR.MINOR.PATCH, e.g. 1.0.0 (Azure policy versions are semver).' },
  { id: 'ZT6004', severity: 'error', title: 'policy name does not carry the control id', hint: 'Start the name with the lower-cased control id, e.g. ZT-STG-02 -> zt-stg-02-minimum-tls.' },
  { id: 'ZT6005', severity: 'error', title: 'current() outside a count where', hint: 'current() only works inside count.where (Learn, policy rule "Count"); use field() outside.' },
  { id: 'ZT6006', severity: 'error', title: 'function not allowed in a modify operation condition', hint: 'A modify operation condition cannot use field(), resourceGroup() or subscription() ([E-MODIFY]); move the check into the rule\'s if.' },
  { id: 'ZT6007', severity: 'error', title: 'effect details incomplete', hint: 'Give the effect the details Azure requires (roleDefinitionIds and deployment for deployIfNotExists, operations for modify, type for the existence check).' },
  { id: 'ZT6008', severity: 'error', title: 'unknown mode', hint: 'Use All, Indexed or a resource provider mode (Microsoft.KeyVault.Data, Microsoft.Kubernetes.Data, Microsoft.Network.Data, ...).' },
  { id: 'ZT6009', severity: 'error', title: 'included initiatives declare the same parameter differently', hint: 'Give the parameters distinct names (e.g. storageEffect, vmEffect) or declare them identically.' },
  { id: 'ZT6010', severity: 'error', title: 'initiative parameter allows values the member does not', hint: 'Narrow the initiative parameter\'s allowedValues to values every member it feeds accepts.' },
  { id: 'ZT6011', severity: 'error', title: 'name is not lower-case kebab-case', hint: 'Use only a-z, 0-9 and single hyphens.' },
  { id: 'ZT6012', severity: 'error', title: 'value does not match the parameter', hint: 'Pass a value of the parameter\'s type that is one of its allowedValues.' },
  { id: 'ZT6013', severity: 'error', title: 'field of another resource type', hint: 'The alias belongs to another resource type than the control\'s resourceType; use fieldsOf(type)(alias) if this is intended.' },
  { id: 'ZT6014', severity: 'error', title: 'not a control or initiative object', hint: 'Default-export the result of defineControl({...}) or defineInitiative({...}).' },
  { id: 'ZT6015', severity: 'warning', title: 'existence check name should be field(\'name\')', hint: 'When details.type is the rule\'s own type, details.name must be [field(\'name\')] ([E-AINE]).' },
  { id: 'ZT6016', severity: 'error', title: 'invalid value count name', hint: 'Name the value count with English letters and digits only, e.g. countValue(list, { name: \'rule\' }).' },
];

const BY_ID = new Map(COMPILER_CODES.map((c) => [c.id, c]));

export function compilerDiagnostic(
  id: string,
  message: string,
  jsonPath: string | undefined,
  extra: { hint?: string; severity?: Severity } = {},
): Diagnostic {
  const c = BY_ID.get(id);
  const d: Diagnostic = {
    code: id,
    severity: extra.severity ?? c?.severity ?? 'error',
    message,
  };
  const hint = extra.hint ?? c?.hint;
  if (hint !== undefined) d.hint = hint;
  if (jsonPath !== undefined) d.jsonPath = jsonPath;
  return d;
}
