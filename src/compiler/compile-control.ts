/**
 * compileControl: Control (DSL data) -> PolicyDefinitionDocument (the PUT body plus name) and every diagnostic
 * found on the way. Pure: no file system except the vendored alias catalog, loaded once.
 */
import semver from 'semver';
import type { JsonObject, JsonValue } from './canonical-json.js';
import type { Diagnostic } from '../errors.js';
import type { ParameterDefinition, PolicyDefinitionDocument } from '../model.js';
import { PRINCIPLES, UNITS, formatArticleStep } from '../model.js';
import { POLICY_MODES, type Control } from '../dsl/control.js';
import type { ParameterSpec, ParameterSpecs } from '../dsl/parameters.js';
import { bundledAliasChecker, type AliasChecker } from './aliases.js';
import { compilerDiagnostic } from './codes.js';
import { checkPolicyName, controlNamePrefix } from './naming.js';
import { RuleRenderer } from './render.js';

export interface CompileOptions {
  /** Alias catalog to check against; defaults to the vendored one. `false` skips alias checks. */
  readonly aliases?: AliasChecker | false;
}

export interface CompiledControl {
  document: PolicyDefinitionDocument;
  diagnostics: Diagnostic[];
}

export function isControl(x: unknown): x is Control {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'control';
}

/** JSON type check of a parameter value against its declared type (Azure checks at assignment time). */
export function valueFitsType(type: string, v: unknown): boolean {
  switch (type) {
    case 'String':
      return typeof v === 'string';
    case 'DateTime':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v));
    case 'Integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'Float':
      return typeof v === 'number';
    case 'Boolean':
      return typeof v === 'boolean';
    case 'Array':
      return Array.isArray(v);
    case 'Object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    default:
      return false;
  }
}

/** JSON deep equality (allowedValues membership is case-sensitive deep equality, policy-semantics.md §2). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEquals(x, bb[i]));
  }
  const ka = Object.keys(a as object).sort();
  const kb = Object.keys(b as object).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && jsonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * An allowed value fits an Array parameter when it is an array or one element: Azure lists the allowed
 * *elements* of an array parameter (303 built-in parameters do, e.g. the Security Center initiative's
 * `...EvaluatedSkuNames` with allowedValues ['Developer', 'Basic', ...] and defaultValue ['Developer', 'Premium']).
 */
export function allowedValueFits(type: string, v: unknown): boolean {
  return type.toLowerCase() === 'array' ? v !== undefined : valueFitsType(canonicalType(type), v);
}

/** The default is one of allowedValues, or (Array parameters listing elements) every element of it is. */
export function defaultIsAllowed(type: string, allowed: readonly unknown[], dv: unknown): boolean {
  if (allowed.some((v) => jsonEquals(v, dv))) return true;
  return type.toLowerCase() === 'array' && Array.isArray(dv) && dv.every((x) => allowed.some((v) => jsonEquals(v, x)));
}

function canonicalType(type: string): string {
  return ['String', 'Array', 'Object', 'Boolean', 'Integer', 'Float', 'DateTime'].find((t) => t.toLowerCase() === type.toLowerCase()) ?? type;
}

/** Emits parameter declarations and checks defaults against types and allowedValues. */
export function renderParameters(specs: ParameterSpecs, diagnostics: Diagnostic[], basePath: string): Record<string, ParameterDefinition> {
  const out: Record<string, ParameterDefinition> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const path = `${basePath}.${name}`;
    out[name] = renderParameter(spec, name, path, diagnostics);
  }
  return out;
}

function renderParameter(spec: ParameterSpec, name: string, path: string, diagnostics: Diagnostic[]): ParameterDefinition {
  const def: ParameterDefinition = { type: spec.type };
  if (spec.allowedValues !== undefined) {
    def.allowedValues = spec.allowedValues as JsonValue[];
    spec.allowedValues.forEach((v, i) => {
      if (!allowedValueFits(spec.type, v)) {
        diagnostics.push({ code: 'ZT4005', severity: 'error', message: `allowed value ${JSON.stringify(v)} of parameter '${name}' is not of type ${spec.type}`, jsonPath: `${path}.allowedValues[${i}]` });
      }
    });
  }
  if (spec.defaultValue !== undefined) {
    def.defaultValue = spec.defaultValue as JsonValue;
    if (!valueFitsType(spec.type, spec.defaultValue)) {
      diagnostics.push({ code: 'ZT4005', severity: 'error', message: `default value ${JSON.stringify(spec.defaultValue)} of parameter '${name}' is not of type ${spec.type}`, jsonPath: `${path}.defaultValue` });
    }
    if (spec.allowedValues !== undefined && !defaultIsAllowed(spec.type, spec.allowedValues, spec.defaultValue)) {
      diagnostics.push({
        code: 'ZT4004',
        severity: 'error',
        message: `default value ${JSON.stringify(spec.defaultValue)} of parameter '${name}' is not one of its allowedValues`,
        hint: 'Make defaultValue one of allowedValues (Azure compares case-sensitively).',
        jsonPath: `${path}.defaultValue`,
      });
    }
  }
  if (spec.metadata !== undefined) def.metadata = { ...spec.metadata };
  if (spec.schema !== undefined) {
    if (spec.type !== 'Object') {
      diagnostics.push({ code: 'ZT4005', severity: 'error', message: `parameter '${name}' has a schema but is not an Object parameter`, jsonPath: `${path}.schema` });
    }
    def.schema = spec.schema;
  }
  return def;
}

export function compileControl(control: Control, options: CompileOptions = {}): CompiledControl {
  const diagnostics: Diagnostic[] = [];
  if (!isControl(control)) {
    diagnostics.push(compilerDiagnostic('ZT6014', 'value is not a control created by defineControl()', '$'));
    return { document: { name: '', properties: emptyProperties() }, diagnostics };
  }
  const imported = control.imported === true;
  diagnostics.push(...checkPolicyName(control.name, 'definition', '$.name', !imported));
  const prefix = controlNamePrefix(control.controlId);
  if (imported) {
    // An imported control keeps its Azure name and the id it was given on import (see ControlSpec.imported).
  } else if (!/^ZT-[A-Z]+-\d+$/.test(control.controlId)) {
    diagnostics.push(compilerDiagnostic('ZT6004', `control id '${control.controlId}' is not of the form ZT-<UNIT>-<nn>`, '$.properties.metadata.ztpolicy.controlId'));
  } else if (control.name !== prefix && !control.name.startsWith(`${prefix}-`)) {
    diagnostics.push(compilerDiagnostic('ZT6004', `policy name '${control.name}' does not start with '${prefix}-' (control ${control.controlId})`, '$.name'));
  }
  if (semver.valid(control.version) === null) {
    diagnostics.push(compilerDiagnostic('ZT6003', `version '${control.version}' is not a semantic version`, '$.properties.version'));
  }
  if (!POLICY_MODES.includes(control.mode)) {
    diagnostics.push(compilerDiagnostic('ZT6008', `mode '${String(control.mode)}' is not an Azure Policy mode`, '$.properties.mode'));
  }
  if (!PRINCIPLES.includes(control.principle)) {
    diagnostics.push({ code: 'ZT4005', severity: 'error', message: `principle '${String(control.principle)}' is not one of ${PRINCIPLES.join(', ')}`, jsonPath: '$.properties.metadata.ztpolicy.principle' });
  }
  if (!UNITS.includes(control.unit)) {
    diagnostics.push({ code: 'ZT4005', severity: 'error', message: `unit '${String(control.unit)}' is not one of ${UNITS.join(', ')}`, jsonPath: '$.properties.metadata.ztpolicy.unit' });
  }

  const aliases = options.aliases === false ? undefined : (options.aliases ?? bundledAliasChecker());
  const renderer = new RuleRenderer(control.parameters, aliases);
  const scope = { conditionType: control.resourceType, functionType: control.resourceType, inWhere: false };
  renderer.noteCrossTypes(control.rule.if);
  const ifJson = renderer.condition(control.rule.if, '$.properties.policyRule.if', scope);
  const thenJson = renderer.effect(control.rule.then, control.resourceType, '$.properties.policyRule.then');
  diagnostics.push(...renderer.diagnostics);

  const parameters = renderParameters(control.parameters, diagnostics, '$.properties.parameters');
  for (const name of Object.keys(control.parameters)) {
    if (!renderer.usedParameters.has(name.toLowerCase())) {
      diagnostics.push({
        code: 'ZT4002',
        severity: 'warning',
        message: `parameter '${name}' is declared but never used in the rule`,
        hint: 'Remove the parameter or use it in the rule; unused parameters clutter every assignment.',
        jsonPath: `$.properties.parameters.${name}`,
      });
    }
  }

  const ztpolicy: JsonObject = {
    controlId: control.controlId,
    principle: control.principle,
    unit: control.unit,
    remediation: control.remediation,
  };
  if (control.step !== undefined) ztpolicy['step'] = formatArticleStep(control.step);
  if (control.reason !== undefined) ztpolicy['reason'] = control.reason;
  const document: PolicyDefinitionDocument = {
    name: control.name,
    properties: {
      displayName: control.displayName,
      description: control.description,
      policyType: 'Custom',
      mode: control.mode,
      metadata: { ...(control.metadata ?? {}), version: control.version, category: control.category, ztpolicy },
      version: control.version,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      policyRule: { if: ifJson, then: thenJson },
    },
  };
  return { document, diagnostics };
}

function emptyProperties(): PolicyDefinitionDocument['properties'] {
  return { displayName: '', description: '', policyType: 'Custom', mode: 'All', metadata: {}, policyRule: { if: {}, then: {} } };
}
