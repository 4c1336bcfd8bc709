/**
 * The catalog of diagnostic codes (house style: every finding has a stable id, a title and a fix). A code is
 * never reused for another meaning; test/validate/codes.test.ts pins the list so a dropped code is loud.
 *   ZT1xxx  project and sources (discovery, type check, import, project-wide consistency)
 *   ZT2xxx  official policy rule schema
 *   ZT3xxx  documented Azure limits and name rules
 *   ZT4xxx  parameters, effects and initiative members
 */
import { COMPILER_CODES } from '../compiler/codes.js';
import type { Diagnostic, Severity } from '../errors.js';

export interface CodeInfo {
  id: string;
  severity: Severity;
  title: string;
  hint: string;
}

const list: CodeInfo[] = [
  // ZT1xxx: sources and project
  { id: 'ZT1001', severity: 'error', title: 'TypeScript error in a source file', hint: 'Fix the type error at the reported line; the DSL types mirror what Azure accepts.' },
  { id: 'ZT1002', severity: 'error', title: 'source file failed to load', hint: 'The module threw while being imported (syntax error, a throw at top level, a missing import). A control file must only build data.' },
  { id: 'ZT1003', severity: 'error', title: 'definition file does not default-export a control', hint: 'End the file with `export default defineControl({...})` (one control per file).' },
  { id: 'ZT1004', severity: 'error', title: 'initiative file does not default-export an initiative', hint: 'End the file with `export default defineInitiative({...})` (one initiative per file).' },
  { id: 'ZT1005', severity: 'error', title: 'file name does not match the policy name', hint: 'Rename the file to <name>.ts (house style: a control file is named after its policy name).' },
  { id: 'ZT1006', severity: 'error', title: 'definition is not in its unit folder', hint: 'Move the file to definitions/<unit>/ where <unit> is the control\'s unit (storage, vm, spoke-vnet, hub-vnet, defender, monitoring).' },
  { id: 'ZT1007', severity: 'error', title: 'duplicate policy definition name', hint: 'Give each control a unique name; Azure keys definitions by name, so the second PUT would overwrite the first.' },
  { id: 'ZT1008', severity: 'error', title: 'duplicate initiative name', hint: 'Give each initiative a unique name; Azure keys policy set definitions by name.' },
  { id: 'ZT1009', severity: 'error', title: 'initiative member is not a definition of this project', hint: 'Add the control under definitions/<unit>/ or remove it from the initiative; publish would fail with PolicyDefinitionNotFound.' },
  { id: 'ZT1010', severity: 'error', title: 'initiative has no members', hint: 'Add at least one control or built-in; Azure rejects a policy set definition without policyDefinitions.' },
  { id: 'ZT1011', severity: 'error', title: 'initiatives include each other in a cycle', hint: 'Break the cycle: an initiative may include another only if that one does not (directly or indirectly) include it back.' },
  { id: 'ZT1012', severity: 'error', title: 'initiative member is a policy set definition', hint: 'Azure policy sets cannot contain other sets: list the member definitions instead.' },
  { id: 'ZT1013', severity: 'error', title: 'no sources found', hint: 'Put controls under definitions/<unit>/<name>.ts and initiatives under initiatives/<name>.ts.' },
  { id: 'ZT1014', severity: 'error', title: 'source file outside a unit folder', hint: 'Controls live in definitions/<unit>/<name>.ts; initiatives directly in initiatives/<name>.ts.' },
  { id: 'ZT1015', severity: 'error', title: 'compiling the source failed', hint: 'The compiler rejected the control or initiative object; fix the reported value.' },
  { id: 'ZT1016', severity: 'error', title: 'vendored data file is invalid', hint: 'Restore the file from its source (see the SOURCES.md next to it) or unset ZTPOLICY_SCHEMA_DIR.' },
  { id: 'ZT1017', severity: 'error', title: 'tsconfig.json is invalid', hint: 'Fix the project tsconfig.json (it must be valid JSON with compilerOptions), or remove it to use the defaults.' },
  { id: 'ZT1018', severity: 'error', title: 'initiative name does not match its file name', hint: 'Rename initiatives/<file>.ts to the initiative name (or rename the initiative).' },
  { id: 'ZT1019', severity: 'error', title: 'catalog control id has no status', hint: 'Implement the control (a custom control with this controlId, or member(builtin.x, { controlId })) in an initiative the umbrella includes, or give the id a status in the catalog data: { kind: \'not-policy\', why, instead, where } or { kind: \'pending\', why }.' },
  { id: 'ZT1020', severity: 'error', title: 'member implements a control id the catalog does not list', hint: 'Fix the controlId (a typo?) or add the id to the control catalog data (src/catalog/zero-trust-controls.ts).' },
  { id: 'ZT1021', severity: 'warning', title: 'catalog control is not implemented yet', hint: 'Implement the control; until then coverage.md lists it as MISSING.' },
  { id: 'ZT1022', severity: 'error', title: 'catalog control marked not-policy is implemented', hint: 'Remove the not-policy status from the catalog data, or remove the member: the catalog must say one thing.' },
  { id: 'ZT1023', severity: 'warning', title: 'pending mark on an implemented catalog control', hint: 'Remove the pending status from the catalog data (src/catalog/zero-trust-controls.ts): the build derives the status from the members.' },
  { id: 'ZT1024', severity: 'error', title: 'more than one initiative declares a control catalog', hint: 'Only the umbrella initiative names the catalog (it writes summaries/coverage.md); remove `catalog` from the others.' },
  // ZT11xx: exemptions (exemptions/<name>.ts)
  { id: 'ZT1101', severity: 'error', title: 'exemption file does not default-export an exemption', hint: 'End the file with `export default defineExemption({...})` or an array of defineExemption(...) values.' },
  { id: 'ZT1102', severity: 'error', title: 'exemption scope is not a valid ARM scope', hint: 'Use a management group, subscription, resource group or resource id, e.g. /subscriptions/<guid>/resourceGroups/<name>.' },
  { id: 'ZT1103', severity: 'error', title: 'exempted member is not in the initiative', hint: 'Exempt a control or built-in that is a member of the initiative (Azure would reject the policyDefinitionReferenceId).' },
  { id: 'ZT1104', severity: 'warning', title: 'exemption has expired', hint: 'Renew the exemption with a new expiry and ticket, or delete it once the resource complies.' },
  { id: 'ZT1105', severity: 'error', title: 'exemption expiry is not a date', hint: "Write expiresOn as '2027-03-31' (end of that day, UTC) or an ISO 8601 UTC date-time." },
  { id: 'ZT1106', severity: 'error', title: 'exemption category or ticket is missing or invalid', hint: "Set category 'Waiver' or 'Mitigated' and the ticket that approved the exemption." },
  { id: 'ZT1107', severity: 'error', title: 'exemption names an initiative the project does not build', hint: 'Import the initiative object from initiatives/ (the one the config assigns).' },
  { id: 'ZT1108', severity: 'error', title: 'duplicate exemption name', hint: 'Give each exemption a unique name; generated/policyExemptions/ holds one file per name.' },
  { id: 'ZT1109', severity: 'error', title: 'too many exemptions at one scope', hint: 'Azure allows at most 1,000 exemptions per scope (Azure Policy limits); exempt at a higher scope or fix the resources.' },
  // ZT2xxx: schema
  { id: 'ZT2001', severity: 'error', title: 'policy rule does not match the official schema', hint: 'Fix the rule at the JSON path shown; the schema is Azure\'s 2020-10-01 policyDefinition.json (see src/validate/schemas/SOURCES.md).' },
  { id: 'ZT2002', severity: 'error', title: 'document is missing a required property', hint: 'Set the property in the control or initiative source.' },
  { id: 'ZT2003', severity: 'error', title: 'properties do not match the ARM resource schema', hint: 'Fix the property at the JSON path shown; the schema is Microsoft.Authorization 2024-05-01, the api-version the publisher uses (see src/validate/schemas/SOURCES.md).' },
  // ZT3xxx: limits and names
  { id: 'ZT3001', severity: 'error', title: 'name is too long', hint: 'Policy definition and set definition names are at most 64 characters (InvalidPolicyDefinitionName); shorten the name.' },
  { id: 'ZT3002', severity: 'error', title: 'name contains a forbidden character', hint: 'Names cannot contain < > * % & : \\ ? . + / or control characters, and cannot end with a space or a period; use kebab-case.' },
  { id: 'ZT3003', severity: 'error', title: 'assignment name at management-group scope is too long', hint: 'Assignment names at management-group scope are at most 24 characters (InvalidPolicyAssignmentName); shorten the initiative name.' },
  { id: 'ZT3004', severity: 'error', title: 'display name is empty or too long', hint: 'displayName is 1 to 128 characters; move detail into the description.' },
  { id: 'ZT3005', severity: 'error', title: 'description is too long', hint: 'description is at most 512 characters; move detail into the remediation text or docs.' },
  { id: 'ZT3006', severity: 'error', title: 'too many parameters in a policy definition', hint: 'A policy definition has at most 20 parameters (Azure Policy limits); merge parameters into an object or split the control.' },
  { id: 'ZT3007', severity: 'error', title: 'too many parameters in an initiative', hint: 'An initiative has at most 400 parameters (Azure Policy limits); share parameters between members.' },
  { id: 'ZT3008', severity: 'error', title: 'too many members in an initiative', hint: 'An initiative has at most 1,000 policy definitions (Azure Policy limits); split it.' },
  { id: 'ZT3009', severity: 'error', title: 'request body too large', hint: 'A definition or set definition PUT body is at most 1,048,576 bytes (Azure Policy limits); shrink or split it.' },
  { id: 'ZT3010', severity: 'error', title: 'too many nested conditionals', hint: 'A policy rule nests at most 512 conditionals (allOf/anyOf/not/count); flatten the logic.' },
  { id: 'ZT3011', severity: 'error', title: 'too many condition expressions in the rule', hint: 'The if block holds at most 4,096 condition expressions; simplify or split the control.' },
  { id: 'ZT3012', severity: 'error', title: 'too many condition expressions in existenceCondition', hint: 'existenceCondition holds at most 128 condition expressions; simplify it.' },
  { id: 'ZT3013', severity: 'error', title: 'too many function calls in the rule', hint: 'A rule holds at most 2,048 policy function calls; move computation into parameters.' },
  { id: 'ZT3014', severity: 'error', title: 'too many arguments to a function', hint: 'A template function takes at most 128 arguments.' },
  { id: 'ZT3015', severity: 'error', title: 'function calls nested too deeply', hint: 'Template functions nest at most 64 deep.' },
  { id: 'ZT3016', severity: 'error', title: 'template expression too long', hint: 'A template expression string is at most 81,920 characters.' },
  { id: 'ZT3017', severity: 'error', title: 'too many field count expressions on one array', hint: 'At most 5 field count expressions may iterate the same array alias in a rule.' },
  { id: 'ZT3018', severity: 'error', title: 'too many value count expressions', hint: 'A rule holds at most 10 value count expressions.' },
  { id: 'ZT3019', severity: 'error', title: 'value count iterates too many items', hint: 'A value count iterates at most 100 items (including nested parents).' },
  { id: 'ZT3020', severity: 'error', title: 'metadata property too long', hint: 'Each metadata property is at most 1,024 characters; shorten it.' },
  { id: 'ZT3021', severity: 'error', title: 'duplicate policyDefinitionReferenceId in an initiative', hint: 'Each member of an initiative needs a unique reference id; Azure rejects duplicates.' },
  { id: 'ZT3022', severity: 'error', title: 'member refers to an undefined group', hint: 'Every groupNames entry must be the name of one of the initiative\'s policyDefinitionGroups.' },
  { id: 'ZT3023', severity: 'error', title: 'template expression cannot be parsed', hint: 'Fix the "[...]" expression: balanced parentheses, quoted strings (\'\' escapes a quote), comma-separated arguments.' },
  // ZT4xxx: parameters, effects, members
  { id: 'ZT4001', severity: 'error', title: 'parameter is used but not declared', hint: 'Declare the parameter in the control\'s parameters (or fix the typo); Azure rejects a rule that references an undeclared parameter.' },
  { id: 'ZT4002', severity: 'warning', title: 'parameter is declared but never used', hint: 'Remove the parameter or use it in the rule; unused parameters clutter every assignment.' },
  { id: 'ZT4003', severity: 'error', title: 'effect value not supported by the rule', hint: 'Remove the effect from allowedValues, or give the rule the details that effect needs (existence check for auditIfNotExists/deployIfNotExists, operations for modify, fields for append, actionNames for denyAction).' },
  { id: 'ZT4004', severity: 'error', title: 'default value not in allowedValues', hint: 'Make defaultValue one of allowedValues (Azure checks it case-sensitively).' },
  { id: 'ZT4005', severity: 'error', title: 'value has the wrong type', hint: 'Give the value the type (or one of the values) the reported property allows.' },
  { id: 'ZT4006', severity: 'warning', title: 'initiative parameter is declared but never passed to a member', hint: 'Remove it or pass it to a member with [parameters(\'name\')].' },
  { id: 'ZT4007', severity: 'warning', title: 'built-in member is deprecated', hint: 'Replace the deprecated built-in with its successor (its displayName usually names it).' },
  { id: 'ZT4008', severity: 'error', title: 'member parameter not declared by the member definition', hint: 'Pass only parameters the member declares; publish would fail with InvalidPolicyParameters.' },
  { id: 'ZT4009', severity: 'error', title: 'required member parameter not passed', hint: 'The member parameter has no defaultValue: pass a value in the initiative.' },
  { id: 'ZT4010', severity: 'error', title: 'effect is not a known Azure Policy effect', hint: 'Use one of: append, audit, auditIfNotExists, deny, denyAction, deployIfNotExists, disabled, manual, modify.' },
];

export const CODES: ReadonlyMap<string, CodeInfo> = new Map(list.map((c) => [c.id, c]));

/** Every code a build can report: this catalog plus the compiler's ZT6xxx (src/compiler/codes.ts). */
export const ALL_CODES: ReadonlyMap<string, CodeInfo> = new Map([
  ...CODES,
  ...COMPILER_CODES.filter((c) => !CODES.has(c.id)).map((c) => [c.id, { id: c.id, severity: c.severity, title: c.title, hint: c.hint }] as const),
]);

export function codeInfo(id: string): CodeInfo {
  const c = CODES.get(id);
  if (!c) throw new Error(`unknown diagnostic code ${id}`);
  return c;
}

/** Builds a Diagnostic from the catalog: severity and hint default to the catalog entry. */
export function diagnostic(
  id: string,
  fields: { message: string; file?: string | undefined; jsonPath?: string | undefined; line?: number; column?: number; severity?: Severity; hint?: string },
): Diagnostic {
  const c = codeInfo(id);
  const d: Diagnostic = { code: id, severity: fields.severity ?? c.severity, message: fields.message, hint: fields.hint ?? c.hint };
  if (fields.file !== undefined) d.file = fields.file;
  if (fields.line !== undefined) d.line = fields.line;
  if (fields.column !== undefined) d.column = fields.column;
  if (fields.jsonPath !== undefined) d.jsonPath = fields.jsonPath;
  return d;
}
