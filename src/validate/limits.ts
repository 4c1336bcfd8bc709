/**
 * Documented Azure Policy limits, in one place. Sources: Learn "Azure Policy limits"
 * (includes/azure-policy-limits.md), "Azure Policy definition structure" (policy rule limits, display name and
 * description lengths), ARM template reference for policy assignments (name character rules); collected in
 * ../shared/design/policy-semantics.md §9 and publisher-mechanics.md §3.1-3.2.
 */
export const LIMITS = {
  /** InvalidPolicyDefinitionName: "must not exceed '64' characters"; set definitions follow the same rule. */
  definitionNameLength: 64,
  /** InvalidPolicyAssignmentName at management-group scope: 24 characters. */
  assignmentNameLengthAtManagementGroup: 24,
  displayNameLength: 128,
  descriptionLength: 512,
  metadataPropertyLength: 1024,
  parametersPerDefinition: 20,
  /** Current limits page says 400; older copies said 100/250/300 (policy-semantics.md §9 pins 400). */
  parametersPerInitiative: 400,
  definitionsPerInitiative: 1000,
  requestBodyBytes: 1_048_576,
  nestedConditionals: 512,
  ifConditionExpressions: 4096,
  existenceConditionExpressions: 128,
  functionCallsPerRule: 2048,
  argumentsPerFunction: 128,
  functionNestingDepth: 64,
  expressionStringLength: 81_920,
  fieldCountsPerArray: 5,
  valueCountsPerRule: 10,
  valueCountIterations: 100,
} as const;

/**
 * Characters a policy definition, set definition or assignment name cannot contain, from the ARM parameter
 * pattern ^[^<>*%&:\?.+/]*[^<>*%&:\?.+/ ]+$ (publisher-mechanics.md §3.2; not enforced by the SDK client-side).
 */
export const FORBIDDEN_NAME_CHARS = ['<', '>', '*', '%', '&', ':', '\\', '?', '.', '+', '/'] as const;

/** Problems with a resource name, as short sentences (empty = fine). */
export function nameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length === 0) out.push('name is empty');
  const bad = [...new Set([...name].filter((c) => (FORBIDDEN_NAME_CHARS as readonly string[]).includes(c)))];
  if (bad.length > 0) out.push(`name contains ${bad.map((c) => `"${c}"`).join(', ')}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) out.push('name contains a control character');
  if (/[ .]$/.test(name)) out.push('name ends with a space or a period');
  return out;
}
