/**
 * Validation of one emitted policy definition document ({ name, properties }): shape, names and documented
 * limits, the official rule schema, template expressions, parameters and effects. Pure; returns every finding.
 */
import type { Diagnostic } from '../errors.js';
import { EFFECT_NAMES, type EffectName } from '../dsl/parameters.js';
import { jsonPathChild } from '../compiler/canonical-json.js';
import { allowedValueFits, defaultIsAllowed } from '../compiler/compile-control.js';
import { diagnostic } from './codes.js';
import { expressionStats, ExpressionSyntaxError, isExpression, parseExpression } from './expressions.js';
import { LIMITS, nameProblems } from './limits.js';
import type { RuleValidator } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ValidateContext {
  /** Source file relative to the project root, for the diagnostics. */
  file?: string;
  /** Compiled official-schema validator; omitted = schema check skipped. */
  schema?: RuleValidator;
}

/**
 * Effects Azure Policy knows (Learn "effect basics"), lower-case: the DSL's EFFECT_NAMES, since Azure compares
 * effect names case-insensitively. addToNetworkGroup/mutate are RP-mode only.
 */
export const KNOWN_EFFECTS: readonly Lowercase<EffectName>[] = EFFECT_NAMES.map((e) => e.toLowerCase() as Lowercase<EffectName>);

export function validateDefinition(doc: unknown, ctx: ValidateContext = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = ctx.file;
  if (!isObj(doc) || !isObj(doc['properties'])) {
    out.push(diagnostic('ZT2002', { file, jsonPath: '$.properties', message: 'definition document has no properties object' }));
    return out;
  }
  const props = doc['properties'];
  if (ctx.schema) out.push(...ctx.schema.validateDefinitionProperties(props, { file }));
  checkName(doc['name'], file, out);
  checkCommonProperties(props, file, out);
  const params = isObj(props['parameters']) ? props['parameters'] : {};
  const paramNames = Object.keys(params);
  if (paramNames.length > LIMITS.parametersPerDefinition) {
    out.push(
      diagnostic('ZT3006', {
        file,
        jsonPath: '$.properties.parameters',
        message: `definition declares ${paramNames.length} parameters; the limit is ${LIMITS.parametersPerDefinition}`,
      }),
    );
  }
  checkParameterDefinitions(params, '$.properties.parameters', file, out);

  const rule = props['policyRule'];
  if (!isObj(rule)) {
    out.push(diagnostic('ZT2002', { file, jsonPath: '$.properties.policyRule', message: 'definition has no policyRule object' }));
    return out;
  }
  if (ctx.schema) out.push(...ctx.schema.validate(rule, { file, basePath: '$.properties.policyRule' }));

  // Template expressions: parse each, apply the per-rule function limits, collect parameters('x').
  const used = new Map<string, string>(); // lower-case name -> first JSON path
  let calls = 0;
  walkStrings(rule, '$.properties.policyRule', (s, path) => {
    if (!isExpression(s)) return;
    if (s.length > LIMITS.expressionStringLength) {
      out.push(diagnostic('ZT3016', { file, jsonPath: path, message: `expression is ${s.length} characters; the limit is ${LIMITS.expressionStringLength}` }));
    }
    let stats;
    try {
      stats = expressionStats(parseExpression(s));
    } catch (e) {
      if (!(e instanceof ExpressionSyntaxError)) throw e;
      out.push(diagnostic('ZT3023', { file, jsonPath: path, message: `invalid template expression ${preview(s)}: ${e.message}` }));
      return;
    }
    calls += stats.calls;
    if (stats.maxDepth > LIMITS.functionNestingDepth) {
      out.push(diagnostic('ZT3015', { file, jsonPath: path, message: `functions nest ${stats.maxDepth} deep; the limit is ${LIMITS.functionNestingDepth}` }));
    }
    if (stats.maxArgs > LIMITS.argumentsPerFunction) {
      out.push(diagnostic('ZT3014', { file, jsonPath: path, message: `a function call has ${stats.maxArgs} arguments; the limit is ${LIMITS.argumentsPerFunction}` }));
    }
    for (const p of stats.parameters) if (!used.has(p.toLowerCase())) used.set(p.toLowerCase(), path);
  });
  if (calls > LIMITS.functionCallsPerRule) {
    out.push(diagnostic('ZT3013', { file, jsonPath: '$.properties.policyRule', message: `rule makes ${calls} function calls; the limit is ${LIMITS.functionCallsPerRule}` }));
  }

  // Parameter names are case-insensitive in references (Learn "parameters").
  const declared = new Map(paramNames.map((n) => [n.toLowerCase(), n]));
  for (const [lower, path] of used) {
    if (!declared.has(lower)) {
      const original = findOriginalCase(rule, lower) ?? lower;
      out.push(
        diagnostic('ZT4001', {
          file,
          jsonPath: path,
          message: `parameters('${original}') is used but the definition declares ${paramNames.length ? paramNames.map((n) => `"${n}"`).join(', ') : 'no parameters'}`,
        }),
      );
    }
  }
  for (const [lower, name] of declared) {
    if (!used.has(lower)) {
      out.push(diagnostic('ZT4002', { file, jsonPath: `$.properties.parameters.${name}`, message: `parameter "${name}" is declared but the rule never uses it` }));
    }
  }

  checkConditions(rule, file, out);
  checkEffect(rule, params, file, out);
  checkBodySize(props, file, out);
  return out;
}

export function checkName(name: unknown, file: string | undefined, out: Diagnostic[], what = 'definition'): void {
  if (typeof name !== 'string') {
    out.push(diagnostic('ZT2002', { file, jsonPath: '$.name', message: `${what} has no name` }));
    return;
  }
  if (name.length > LIMITS.definitionNameLength) {
    out.push(
      diagnostic('ZT3001', {
        file,
        jsonPath: '$.name',
        message: `${what} name "${name}" is ${name.length} characters; the limit is ${LIMITS.definitionNameLength}`,
      }),
    );
  }
  for (const p of nameProblems(name)) out.push(diagnostic('ZT3002', { file, jsonPath: '$.name', message: `${what} name "${name}": ${p}` }));
}

export function checkCommonProperties(props: Obj, file: string | undefined, out: Diagnostic[]): void {
  const dn = props['displayName'];
  if (typeof dn !== 'string' || dn.trim().length === 0) {
    out.push(diagnostic('ZT3004', { file, jsonPath: '$.properties.displayName', message: 'displayName is missing or empty' }));
  } else if (dn.length > LIMITS.displayNameLength) {
    out.push(
      diagnostic('ZT3004', {
        file,
        jsonPath: '$.properties.displayName',
        message: `displayName is ${dn.length} characters; the limit is ${LIMITS.displayNameLength}`,
      }),
    );
  }
  const desc = props['description'];
  if (typeof desc === 'string' && desc.length > LIMITS.descriptionLength) {
    out.push(
      diagnostic('ZT3005', {
        file,
        jsonPath: '$.properties.description',
        message: `description is ${desc.length} characters; the limit is ${LIMITS.descriptionLength}`,
      }),
    );
  }
  const md = props['metadata'];
  if (isObj(md)) {
    walkStrings(md, '$.properties.metadata', (s, path) => {
      if (s.length > LIMITS.metadataPropertyLength) {
        out.push(diagnostic('ZT3020', { file, jsonPath: path, message: `metadata value is ${s.length} characters; the limit is ${LIMITS.metadataPropertyLength}` }));
      }
    });
    // Whether ARM measures an object-valued metadata property by its serialized size is not documented: warn.
    for (const [k, v] of Object.entries(md)) {
      if (v === null || typeof v !== 'object') continue;
      const size = JSON.stringify(v).length;
      if (size > LIMITS.metadataPropertyLength) {
        out.push(
          diagnostic('ZT3020', {
            file,
            severity: 'warning',
            jsonPath: `$.properties.metadata.${k}`,
            message: `metadata property "${k}" serializes to ${size} characters; each metadata property is documented as at most ${LIMITS.metadataPropertyLength} (unverified for object values)`,
          }),
        );
      }
    }
  }
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  datetime: (v) => typeof v === 'string',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => isObj(v),
};

export function checkParameterDefinitions(params: Obj, base: string, file: string | undefined, out: Diagnostic[]): void {
  for (const [name, raw] of Object.entries(params)) {
    const path = `${base}.${name}`;
    if (!isObj(raw)) {
      out.push(diagnostic('ZT2002', { file, jsonPath: path, message: `parameter "${name}" is not an object` }));
      continue;
    }
    const type = typeof raw['type'] === 'string' ? raw['type'].toLowerCase() : undefined;
    const check = type ? TYPE_CHECKS[type] : undefined;
    if (!check) {
      out.push(diagnostic('ZT2002', { file, jsonPath: `${path}.type`, message: `parameter "${name}" has type ${JSON.stringify(raw['type'])}; expected String, Array, Object, Boolean, Integer, Float or DateTime` }));
      continue;
    }
    const allowed = raw['allowedValues'];
    if (Array.isArray(allowed)) {
      allowed.forEach((v, i) => {
        if (!allowedValueFits(type ?? '', v)) out.push(diagnostic('ZT4005', { file, jsonPath: `${path}.allowedValues[${i}]`, message: `allowed value ${preview(JSON.stringify(v))} of parameter "${name}" is not of type ${String(raw['type'])}` }));
      });
    }
    if ('defaultValue' in raw) {
      const dv = raw['defaultValue'];
      if (!check(dv) && !(typeof dv === 'string' && isExpression(dv))) {
        out.push(diagnostic('ZT4005', { file, jsonPath: `${path}.defaultValue`, message: `default value ${preview(JSON.stringify(dv))} of parameter "${name}" is not of type ${String(raw['type'])}` }));
      }
      // Azure checks allowedValues case-sensitively with deep equality (policy-semantics.md §2).
      if (Array.isArray(allowed) && !defaultIsAllowed(type ?? '', allowed, dv)) {
        out.push(diagnostic('ZT4004', { file, jsonPath: `${path}.defaultValue`, message: `default value ${preview(JSON.stringify(dv))} of parameter "${name}" is not one of its allowedValues` }));
      }
    }
  }
}

/** Counts and nesting limits of conditions (policy rule limits: 4,096 / 128 expressions, 512 nesting, counts). */
function checkConditions(rule: Obj, file: string | undefined, out: Diagnostic[]): void {
  const fieldCounts = new Map<string, number>();
  let valueCounts = 0;
  const count = (node: unknown, path: string, depth: number, state: { leaves: number; maxDepth: number }): void => {
    if (!isObj(node)) return;
    state.maxDepth = Math.max(state.maxDepth, depth);
    for (const op of ['allOf', 'anyOf'] as const) {
      const arr = node[op];
      if (Array.isArray(arr)) {
        arr.forEach((c, i) => count(c, `${path}.${op}[${i}]`, depth + 1, state));
        return;
      }
    }
    if (isObj(node['not'])) {
      count(node['not'], `${path}.not`, depth + 1, state);
      return;
    }
    state.leaves++;
    const c = node['count'];
    if (isObj(c)) {
      if (typeof c['field'] === 'string') {
        const key = c['field'].toLowerCase();
        fieldCounts.set(key, (fieldCounts.get(key) ?? 0) + 1);
      } else if ('value' in c) {
        valueCounts++;
        if (Array.isArray(c['value']) && c['value'].length > LIMITS.valueCountIterations) {
          out.push(diagnostic('ZT3019', { file, jsonPath: `${path}.count.value`, message: `value count iterates ${c['value'].length} items; the limit is ${LIMITS.valueCountIterations}` }));
        }
      }
      if (c['where'] !== undefined) count(c['where'], `${path}.count.where`, depth + 1, state);
    }
  };
  const ifState = { leaves: 0, maxDepth: 0 };
  count(rule['if'], '$.properties.policyRule.if', 0, ifState);
  if (ifState.leaves > LIMITS.ifConditionExpressions) {
    out.push(diagnostic('ZT3011', { file, jsonPath: '$.properties.policyRule.if', message: `if holds ${ifState.leaves} condition expressions; the limit is ${LIMITS.ifConditionExpressions}` }));
  }
  let maxDepth = ifState.maxDepth;
  const then = rule['then'];
  const details = isObj(then) ? then['details'] : undefined;
  if (isObj(details) && details['existenceCondition'] !== undefined) {
    const st = { leaves: 0, maxDepth: 0 };
    const p = '$.properties.policyRule.then.details.existenceCondition';
    count(details['existenceCondition'], p, 0, st);
    if (st.leaves > LIMITS.existenceConditionExpressions) {
      out.push(diagnostic('ZT3012', { file, jsonPath: p, message: `existenceCondition holds ${st.leaves} condition expressions; the limit is ${LIMITS.existenceConditionExpressions}` }));
    }
    maxDepth = Math.max(maxDepth, st.maxDepth);
  }
  if (maxDepth > LIMITS.nestedConditionals) {
    out.push(diagnostic('ZT3010', { file, jsonPath: '$.properties.policyRule', message: `conditionals nest ${maxDepth} deep; the limit is ${LIMITS.nestedConditionals}` }));
  }
  for (const [field, n] of fieldCounts) {
    if (n > LIMITS.fieldCountsPerArray) {
      out.push(diagnostic('ZT3017', { file, jsonPath: '$.properties.policyRule', message: `${n} field count expressions iterate "${field}"; the limit is ${LIMITS.fieldCountsPerArray}` }));
    }
  }
  if (valueCounts > LIMITS.valueCountsPerRule) {
    out.push(diagnostic('ZT3018', { file, jsonPath: '$.properties.policyRule', message: `rule has ${valueCounts} value count expressions; the limit is ${LIMITS.valueCountsPerRule}` }));
  }
}

/** Effects the rule's `details` can carry out (lower-case). audit, deny, disabled and manual need no details. */
function supportedEffects(details: unknown): Set<string> {
  const ok = new Set(['audit', 'deny', 'disabled', 'manual']);
  if (Array.isArray(details) && details.length > 0) ok.add('append');
  if (isObj(details)) {
    // Learn "auditIfNotExists"/"deployIfNotExists": details.type required; DINE also deployment + roleDefinitionIds.
    if (typeof details['type'] === 'string') {
      ok.add('auditifnotexists');
      if (isObj(details['deployment']) && Array.isArray(details['roleDefinitionIds'])) ok.add('deployifnotexists');
    }
    // Learn "modify": operations and roleDefinitionIds are required.
    if (Array.isArray(details['operations']) && Array.isArray(details['roleDefinitionIds'])) ok.add('modify');
    // Learn "denyAction": actionNames required.
    if (Array.isArray(details['actionNames'])) ok.add('denyaction');
  }
  return ok;
}

function checkEffect(rule: Obj, params: Obj, file: string | undefined, out: Diagnostic[]): void {
  const then = rule['then'];
  if (!isObj(then)) return;
  const effect = then['effect'];
  if (typeof effect !== 'string') return; // the schema check reports it
  const supported = supportedEffects(then['details']);
  const path = '$.properties.policyRule.then.effect';
  const judge = (value: unknown, where: string, source: string) => {
    if (typeof value !== 'string' || isExpression(value)) return;
    const lower = value.toLowerCase();
    if (!(KNOWN_EFFECTS as readonly string[]).includes(lower)) {
      out.push(diagnostic('ZT4010', { file, jsonPath: where, message: `${source} "${value}" is not an Azure Policy effect` }));
    } else if (!supported.has(lower)) {
      out.push(
        diagnostic('ZT4003', {
          file,
          jsonPath: where,
          message: `${source} "${value}" cannot run: the rule's then.details lack what ${value} needs (supported here: ${[...supported].sort().join(', ')})`,
        }),
      );
    }
  };
  if (!isExpression(effect)) {
    judge(effect, path, 'effect');
    return;
  }
  let stats;
  try {
    stats = expressionStats(parseExpression(effect));
  } catch {
    return; // reported by the expression walk
  }
  if (stats.functions.length !== 1 || stats.functions[0] !== 'parameters') return;
  const pname = stats.parameters[0];
  if (pname === undefined) return;
  const entry = Object.entries(params).find(([k]) => k.toLowerCase() === pname.toLowerCase());
  if (!entry || !isObj(entry[1])) return; // undeclared: ZT4001
  const [realName, def] = entry;
  const base = `$.properties.parameters.${realName}`;
  if (Array.isArray(def['allowedValues'])) {
    def['allowedValues'].forEach((v, i) => judge(v, `${base}.allowedValues[${i}]`, `allowed effect`));
  } else if ('defaultValue' in def) {
    judge(def['defaultValue'], `${base}.defaultValue`, 'default effect');
  }
}

function checkBodySize(props: Obj, file: string | undefined, out: Diagnostic[]): void {
  // The PUT body is { properties } as compact JSON (what the SDK sends).
  const bytes = Buffer.byteLength(JSON.stringify({ properties: props }), 'utf8');
  if (bytes > LIMITS.requestBodyBytes) {
    out.push(diagnostic('ZT3009', { file, jsonPath: '$.properties', message: `request body is ${bytes} bytes; the limit is ${LIMITS.requestBodyBytes}` }));
  }
}

/**
 * Calls fn for every string value under node (not keys), with its JSON path. Skips the DINE deployment
 * template: its [parameters()] and functions are ARM template expressions evaluated by the deployment, not
 * policy expressions (Learn "deployIfNotExists": only deployment.properties.parameters are policy-evaluated).
 */
export function walkStrings(node: unknown, path: string, fn: (s: string, path: string) => void): void {
  if (typeof node === 'string') {
    fn(node, path);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((v, i) => walkStrings(v, `${path}[${i}]`, fn));
    return;
  }
  if (!isObj(node)) return;
  for (const [k, v] of Object.entries(node)) {
    const child = jsonPathChild(path, k);
    if (k === 'template' && path.endsWith('.deployment.properties')) continue;
    walkStrings(v, child, fn);
  }
}

function findOriginalCase(rule: unknown, lower: string): string | undefined {
  let found: string | undefined;
  walkStrings(rule, '$', (s) => {
    if (found || !isExpression(s)) return;
    try {
      found = expressionStats(parseExpression(s)).parameters.find((p) => p.toLowerCase() === lower);
    } catch {
      /* reported elsewhere */
    }
  });
  return found;
}

function preview(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
