/**
 * Validation of one emitted policy set definition document: names and limits, members (dangling custom
 * members, sets inside sets, deprecated built-ins, member parameters), groups and initiative parameters. Pure.
 */
import type { Diagnostic } from '../errors.js';
import { diagnostic } from './codes.js';
import { checkCommonProperties, checkName, checkParameterDefinitions, walkStrings } from './definition.js';
import { expressionStats, isExpression, parseExpression } from './expressions.js';
import { LIMITS } from './limits.js';
import type { RuleValidator } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What the validator needs to know about a built-in member (from the typed built-in catalog). */
export interface BuiltinInfo {
  id: string;
  displayName: string;
  deprecated: boolean;
  /** Parameter name -> whether it has a default. */
  parameters?: Readonly<Record<string, { hasDefault: boolean }>>;
}

export interface InitiativeContext {
  file?: string;
  /** Custom definitions of the project by name (their documents), to resolve custom members. */
  definitions?: ReadonlyMap<string, unknown>;
  /** Built-ins by lower-case id. */
  builtins?: ReadonlyMap<string, BuiltinInfo>;
  /** Compiled schemas; omitted = ARM resource schema check skipped. */
  schema?: RuleValidator;
  /** How the publisher names the assignment of this initiative (compiler naming); checked against 24 chars. */
  assignmentName?: (initiativeName: string) => string;
}

const CUSTOM_ID = /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/providers\/Microsoft\.Authorization\/policyDefinitions\/([^/]+)$/i;
const SET_ID = /\/providers\/Microsoft\.Authorization\/policySetDefinitions\//i;

export function customMemberName(policyDefinitionId: string): string | undefined {
  return CUSTOM_ID.exec(policyDefinitionId)?.[1];
}

export function validateInitiative(doc: unknown, ctx: InitiativeContext = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = ctx.file;
  if (!isObj(doc) || !isObj(doc['properties'])) {
    out.push(diagnostic('ZT2002', { file, jsonPath: '$.properties', message: 'initiative document has no properties object' }));
    return out;
  }
  const props = doc['properties'];
  if (ctx.schema) out.push(...ctx.schema.validateSetProperties(props, { file }));
  const name = doc['name'];
  checkName(name, file, out, 'initiative');
  if (typeof name === 'string' && ctx.assignmentName) {
    const an = ctx.assignmentName(name);
    if (an.length > LIMITS.assignmentNameLengthAtManagementGroup) {
      out.push(
        diagnostic('ZT3003', {
          file,
          jsonPath: '$.name',
          message: `the assignment name derived from "${name}" is "${an}" (${an.length} characters); at management-group scope the limit is ${LIMITS.assignmentNameLengthAtManagementGroup}`,
        }),
      );
    }
  }
  checkCommonProperties(props, file, out);

  const params = isObj(props['parameters']) ? props['parameters'] : {};
  const paramNames = Object.keys(params);
  if (paramNames.length > LIMITS.parametersPerInitiative) {
    out.push(diagnostic('ZT3007', { file, jsonPath: '$.properties.parameters', message: `initiative declares ${paramNames.length} parameters; the limit is ${LIMITS.parametersPerInitiative}` }));
  }
  checkParameterDefinitions(params, '$.properties.parameters', file, out);

  const members = Array.isArray(props['policyDefinitions']) ? props['policyDefinitions'] : [];
  if (members.length === 0) {
    out.push(diagnostic('ZT1010', { file, jsonPath: '$.properties.policyDefinitions', message: `initiative "${String(name)}" has no members` }));
  }
  if (members.length > LIMITS.definitionsPerInitiative) {
    out.push(diagnostic('ZT3008', { file, jsonPath: '$.properties.policyDefinitions', message: `initiative has ${members.length} members; the limit is ${LIMITS.definitionsPerInitiative}` }));
  }
  const groups = new Set(
    (Array.isArray(props['policyDefinitionGroups']) ? props['policyDefinitionGroups'] : [])
      .map((g) => (isObj(g) && typeof g['name'] === 'string' ? g['name'].toLowerCase() : undefined))
      .filter((g): g is string => g !== undefined),
  );
  const refIds = new Map<string, number>();
  const usedParams = new Map<string, string>();
  members.forEach((m, i) => {
    const path = `$.properties.policyDefinitions[${i}]`;
    if (!isObj(m) || typeof m['policyDefinitionId'] !== 'string') {
      out.push(diagnostic('ZT2002', { file, jsonPath: path, message: 'member has no policyDefinitionId' }));
      return;
    }
    const id = m['policyDefinitionId'];
    const ref = typeof m['policyDefinitionReferenceId'] === 'string' ? m['policyDefinitionReferenceId'] : undefined;
    if (ref !== undefined) {
      const prev = refIds.get(ref.toLowerCase());
      if (prev !== undefined) {
        out.push(diagnostic('ZT3021', { file, jsonPath: `${path}.policyDefinitionReferenceId`, message: `reference id "${ref}" is already used by member ${prev}` }));
      } else refIds.set(ref.toLowerCase(), i);
    }
    if (Array.isArray(m['groupNames'])) {
      m['groupNames'].forEach((g, j) => {
        if (typeof g === 'string' && !groups.has(g.toLowerCase())) {
          out.push(diagnostic('ZT3022', { file, jsonPath: `${path}.groupNames[${j}]`, message: `group "${g}" is not one of the initiative's policyDefinitionGroups` }));
        }
      });
    }
    const passed = isObj(m['parameters']) ? m['parameters'] : {};
    walkStrings(passed, `${path}.parameters`, (s, p) => {
      if (!isExpression(s)) return;
      try {
        for (const n of expressionStats(parseExpression(s)).parameters) if (!usedParams.has(n.toLowerCase())) usedParams.set(n.toLowerCase(), p);
      } catch {
        out.push(diagnostic('ZT3023', { file, jsonPath: p, message: `invalid template expression ${s.slice(0, 80)}` }));
      }
    });

    if (SET_ID.test(id)) {
      out.push(diagnostic('ZT1012', { file, jsonPath: `${path}.policyDefinitionId`, message: `member ${id} is a policy set definition` }));
      return;
    }
    const custom = customMemberName(id);
    let declared: Record<string, { hasDefault: boolean }> | undefined;
    let memberLabel = id;
    if (custom !== undefined) {
      memberLabel = custom;
      const def = ctx.definitions?.get(custom);
      if (ctx.definitions && def === undefined) {
        out.push(
          diagnostic('ZT1009', {
            file,
            jsonPath: `${path}.policyDefinitionId`,
            message: `member "${custom}" is not a policy definition of this project (no definitions/<unit>/${custom}.ts compiled)`,
          }),
        );
        return;
      }
      if (isObj(def) && isObj(def['properties'])) {
        const dp = def['properties']['parameters'];
        declared = {};
        if (isObj(dp)) for (const [k, v] of Object.entries(dp)) declared[k] = { hasDefault: isObj(v) && 'defaultValue' in v };
      }
    } else {
      const b = ctx.builtins?.get(id.toLowerCase());
      if (b) {
        memberLabel = `${b.displayName} (${id})`;
        if (b.deprecated) {
          out.push(diagnostic('ZT4007', { file, jsonPath: `${path}.policyDefinitionId`, message: `built-in member "${b.displayName}" is deprecated` }));
        }
        declared = b.parameters ? { ...b.parameters } : undefined;
      }
    }
    if (declared) {
      const lowerDeclared = new Map(Object.keys(declared).map((k) => [k.toLowerCase(), k]));
      for (const k of Object.keys(passed)) {
        if (!lowerDeclared.has(k.toLowerCase())) {
          out.push(
            diagnostic('ZT4008', {
              file,
              jsonPath: `${path}.parameters.${k}`,
              message: `member ${memberLabel} does not declare parameter "${k}" (it declares ${Object.keys(declared).map((n) => `"${n}"`).join(', ') || 'none'})`,
            }),
          );
        }
      }
      const passedLower = new Set(Object.keys(passed).map((k) => k.toLowerCase()));
      for (const [k, info] of Object.entries(declared)) {
        if (!info.hasDefault && !passedLower.has(k.toLowerCase())) {
          out.push(diagnostic('ZT4009', { file, jsonPath: `${path}.parameters`, message: `member ${memberLabel} needs a value for parameter "${k}" (it has no default)` }));
        }
      }
    }
  });

  const declaredLower = new Map(paramNames.map((n) => [n.toLowerCase(), n]));
  for (const [lower, p] of usedParams) {
    if (!declaredLower.has(lower)) {
      out.push(diagnostic('ZT4001', { file, jsonPath: p, message: `parameters('${lower}') is passed to a member but the initiative does not declare it` }));
    }
  }
  for (const [lower, n] of declaredLower) {
    if (!usedParams.has(lower)) {
      out.push(diagnostic('ZT4006', { file, jsonPath: `$.properties.parameters.${n}`, message: `initiative parameter "${n}" is never passed to a member` }));
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify({ properties: props }), 'utf8');
  if (bytes > LIMITS.requestBodyBytes) {
    out.push(diagnostic('ZT3009', { file, jsonPath: '$.properties', message: `request body is ${bytes} bytes; the limit is ${LIMITS.requestBodyBytes}` }));
  }
  return out;
}
