/**
 * compileInitiative: Initiative (DSL data) -> PolicySetDefinitionDocument and its diagnostics.
 *
 * Custom members are referenced with the management-group placeholder id (src/model.ts), built-ins by their
 * tenant-independent id with definitionVersion pinned to the catalog's major version ("<major>.*.*"), so a
 * breaking built-in release does not slip in unreviewed.
 */
import type { JsonObject, JsonValue } from './canonical-json.js';
import type { Diagnostic } from '../errors.js';
import {
  PRINCIPLES,
  UNITS,
  customDefinitionId,
  formatArticleStep,
  type ParameterDefinition,
  type PolicyDefinitionGroup,
  type PolicyDefinitionReference,
  type PolicySetDefinitionDocument,
  type Principle,
  type Unit,
} from '../model.js';
import type { BuiltinParameter, BuiltinPolicy } from '../catalog/types.js';
import type { Control } from '../dsl/control.js';
import { Expr } from '../dsl/expressions.js';
import type { ControlInfo, GroupBy, Initiative, Member } from '../dsl/initiative.js';
import { ParamRef, type ParameterSpec, type ParameterSpecs } from '../dsl/parameters.js';
import { canonicalJson } from './canonical-json.js';
import { compilerDiagnostic } from './codes.js';
import { defaultIsAllowed, jsonEquals, renderParameters, valueFitsType } from './compile-control.js';
import {
  assignmentName,
  builtinReferenceId,
  checkPolicyName,
  controlGroupName,
  controlReferenceId,
  principleGroupName,
  unitGroupName,
} from './naming.js';
import { RuleRenderer } from './render.js';
import semver from 'semver';

export interface CompiledInitiative {
  document: PolicySetDefinitionDocument;
  diagnostics: Diagnostic[];
}

export function isInitiative(x: unknown): x is Initiative {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'initiative';
}

/** Display names of the principle and unit groups (also used by the generated docs). */
export const PRINCIPLE_DISPLAY: Record<Principle, string> = {
  'verify-explicitly': 'Verify explicitly',
  'least-privilege': 'Use least privilege access',
  'assume-breach': 'Assume breach',
};
export const UNIT_DISPLAY: Record<Unit, string> = {
  storage: 'Azure Storage',
  vm: 'Virtual machines',
  'spoke-vnet': 'Spoke virtual networks',
  'hub-vnet': 'Hub virtual network',
  defender: 'Microsoft Defender for Cloud',
  monitoring: 'Monitoring and logging',
};

/** Own members plus those of included initiatives (depth-first, author order), with cycle detection. */
function collect(
  initiative: Initiative,
  stack: readonly string[],
  diagnostics: Diagnostic[],
): { members: Member[]; parameters: Array<[string, ParameterSpec, string]> } {
  const members: Member[] = [];
  const parameters: Array<[string, ParameterSpec, string]> = Object.entries(initiative.parameters).map(([n, s]) => [n, s, initiative.name]);
  initiative.include.forEach((inc, i) => {
    if (stack.includes(inc.name) || inc === initiative) {
      diagnostics.push({
        code: 'ZT1011',
        severity: 'error',
        message: `initiatives include each other in a cycle: ${[...stack, inc.name].join(' -> ')}`,
        hint: 'An initiative may include another only if that one does not include it back.',
        jsonPath: `$.include[${i}]`,
      });
      return;
    }
    const sub = collect(inc, [...stack, inc.name], diagnostics);
    members.push(...sub.members);
    parameters.push(...sub.parameters);
  });
  members.unshift(...initiative.members);
  return { members, parameters };
}

function builtinParams(b: BuiltinPolicy): Readonly<Record<string, BuiltinParameter>> {
  return b.parameters;
}

export function compileInitiative(initiative: Initiative): CompiledInitiative {
  const diagnostics: Diagnostic[] = [];
  if (!isInitiative(initiative)) {
    diagnostics.push(compilerDiagnostic('ZT6014', 'value is not an initiative created by defineInitiative()', '$'));
    return {
      document: { name: '', properties: { displayName: '', description: '', policyType: 'Custom', metadata: {}, policyDefinitions: [] } },
      diagnostics,
    };
  }
  diagnostics.push(...checkPolicyName(initiative.name, 'initiative', '$.name', initiative.imported !== true));
  if (semver.valid(initiative.version) === null) {
    diagnostics.push(compilerDiagnostic('ZT6003', `version '${initiative.version}' is not a semantic version`, '$.properties.version'));
  }
  const { members, parameters: paramList } = collect(initiative, [initiative.name], diagnostics);

  // Merge parameters: own first, then included; the same name must mean the same declaration.
  const params: Record<string, ParameterSpec> = {};
  const origin: Record<string, string> = {};
  for (const [name, spec, from] of paramList) {
    const existing = params[name];
    if (existing === undefined) {
      params[name] = spec;
      origin[name] = from;
    } else if (existing !== spec && canonicalJson(stripPhantom(existing)) !== canonicalJson(stripPhantom(spec))) {
      diagnostics.push(
        compilerDiagnostic('ZT6009', `parameter '${name}' is declared differently by ${origin[name]} and ${from}`, `$.properties.parameters.${name}`),
      );
    }
  }
  const declared = new Map(Object.keys(params).map((n) => [n.toLowerCase(), n]));
  const used = new Set<string>();

  if (members.length === 0) {
    diagnostics.push({
      code: 'ZT1010',
      severity: 'error',
      message: `initiative '${initiative.name}' has no members`,
      hint: 'Add at least one control or built-in; Azure rejects a policy set definition without policyDefinitions.',
      jsonPath: '$.properties.policyDefinitions',
    });
  }

  const units = new Set(members.map((m) => m.unit).filter((u): u is Unit => u !== undefined));
  const groupBy: readonly GroupBy[] = initiative.groupBy ?? (units.size > 1 ? ['principle', 'unit'] : ['principle']);
  const usedGroups = new Set<string>();
  const extraGroups = new Set<string>();
  // One group per catalog control (first member that names it describes it), so built-in and custom members
  // of the same control show together in the compliance view with its step, reason and remediation.
  const controlGroups = new Map<string, ControlInfo>();
  const refIds = new Map<string, number>();
  // A parameter-expression renderer: initiative parameter values are template expressions too.
  const renderer = new RuleRenderer(params as ParameterSpecs, undefined);

  const policyDefinitions: PolicyDefinitionReference[] = members.map((m, i) => {
    const path = `$.properties.policyDefinitions[${i}]`;
    const target = m.target;
    const isControl = target.kind === 'control';
    const ref: PolicyDefinitionReference = {
      policyDefinitionId: isControl ? customDefinitionId(target.name) : target.id,
      policyDefinitionReferenceId:
        m.referenceId ?? (isControl ? controlReferenceId(target.name) : builtinReferenceId(target.displayName, target.name, m.controlId)),
    };
    const seen = refIds.get(ref.policyDefinitionReferenceId.toLowerCase());
    if (seen !== undefined) {
      diagnostics.push({
        code: 'ZT3021',
        severity: 'error',
        message: `policyDefinitionReferenceId '${ref.policyDefinitionReferenceId}' is used by members ${seen} and ${i}`,
        hint: 'Each member needs a unique reference id; pass referenceId in member(...) or remove the duplicate member.',
        jsonPath: `${path}.policyDefinitionReferenceId`,
      });
    } else refIds.set(ref.policyDefinitionReferenceId.toLowerCase(), i);

    if (m.definitionVersion !== undefined) ref.definitionVersion = m.definitionVersion;
    if (!isControl) {
      const major = semver.valid(target.version) ? semver.major(target.version) : undefined;
      if (major !== undefined && m.definitionVersion === undefined) ref.definitionVersion = `${major}.*.*`;
      if (target.deprecated) {
        diagnostics.push({
          code: 'ZT4007',
          severity: 'warning',
          message: `built-in '${target.displayName}' (${target.name}) is deprecated`,
          hint: 'Replace the deprecated built-in with its successor.',
          jsonPath: `${path}.policyDefinitionId`,
        });
      }
    }

    // Member parameters.
    const memberDecl: Record<string, { type: string; allowedValues?: readonly unknown[]; required: boolean }> = {};
    if (isControl) {
      for (const [n, s] of Object.entries((target as Control).parameters)) {
        memberDecl[n] = { type: s.type, ...(s.allowedValues ? { allowedValues: s.allowedValues } : {}), required: s.defaultValue === undefined };
      }
    } else {
      for (const [n, s] of Object.entries(builtinParams(target))) {
        memberDecl[n] = { type: s.type, ...(s.allowedValues ? { allowedValues: s.allowedValues } : {}), required: !s.hasDefault };
      }
    }
    const values: Record<string, { value: JsonValue }> = {};
    for (const [n, v] of Object.entries(m.parameters)) {
      const ppath = `${path}.parameters.${n}.value`;
      const decl = Object.entries(memberDecl).find(([k]) => k.toLowerCase() === n.toLowerCase());
      if (decl === undefined) {
        diagnostics.push({
          code: 'ZT4008',
          severity: 'error',
          message: `member '${target.kind === 'control' ? target.name : target.displayName}' has no parameter '${n}' (it declares: ${Object.keys(memberDecl).join(', ') || 'none'})`,
          hint: 'Pass only parameters the member declares; publish would fail with InvalidPolicyParameters.',
          jsonPath: ppath,
        });
        continue;
      }
      const [declName, d] = decl;
      if (v instanceof ParamRef) {
        const initName = declared.get(v.paramName.toLowerCase());
        if (initName !== undefined) {
          used.add(initName.toLowerCase());
          const initSpec = params[initName]!;
          if (d.allowedValues !== undefined) {
            const extra = (initSpec.allowedValues ?? [undefined]).filter((x) => !d.allowedValues!.some((y) => jsonEquals(x, y)));
            if (extra.length > 0) {
              diagnostics.push(
                compilerDiagnostic(
                  'ZT6010',
                  initSpec.allowedValues === undefined
                    ? `initiative parameter '${initName}' has no allowedValues but feeds '${declName}', which only allows ${JSON.stringify(d.allowedValues)}`
                    : `initiative parameter '${initName}' allows ${JSON.stringify(extra)}, which member parameter '${declName}' does not`,
                  ppath,
                ),
              );
            }
          }
        }
        values[declName] = { value: renderer.expr(v, ppath, { conditionType: '', functionType: '', inWhere: false }) };
      } else if (v instanceof Expr) {
        values[declName] = { value: renderer.expr(v, ppath, { conditionType: '', functionType: '', inWhere: false }) };
      } else if (typeof v === 'string' && v.startsWith('[') && !v.startsWith('[[') && v.endsWith(']')) {
        renderer.checkExpressionText(v, ppath, { conditionType: '', functionType: '', inWhere: false });
        for (const p of renderer.usedParameters) used.add(p);
        values[declName] = { value: v };
      } else {
        if (!valueFitsType(d.type, v) || (d.allowedValues !== undefined && !defaultIsAllowed(d.type, d.allowedValues, v))) {
          diagnostics.push(
            compilerDiagnostic(
              'ZT6012',
              `value ${JSON.stringify(v)} does not fit member parameter '${declName}' (${d.type}${d.allowedValues ? `, one of ${JSON.stringify(d.allowedValues)}` : ''})`,
              ppath,
            ),
          );
        }
        values[declName] = { value: v as JsonValue };
      }
    }
    for (const p of renderer.usedParameters) used.add(p);
    for (const [n, d] of Object.entries(memberDecl)) {
      if (d.required && !Object.keys(values).some((k) => k.toLowerCase() === n.toLowerCase())) {
        diagnostics.push({
          code: 'ZT4009',
          severity: 'error',
          message: `member parameter '${n}' has no default value and is not passed`,
          hint: 'Pass a value (or an initiative parameter) for it in member(..., { parameters }).',
          jsonPath: `${path}.parameters`,
        });
      }
    }
    if (Object.keys(values).length > 0) ref.parameters = values;

    const groups: string[] = [];
    if (groupBy.includes('principle')) groups.push(principleGroupName(m.principle));
    if (groupBy.includes('unit') && m.unit !== undefined) groups.push(unitGroupName(m.unit));
    // Untyped input (plain JavaScript) may lack the control: no control group then. An imported initiative keeps
    // the groups it has in Azure: its member control ids are import placeholders, and adding groups would make
    // the compiled set differ from the source it round-trips (test/import/alz-roundtrip.test.ts).
    if (typeof m.controlId === 'string' && initiative.imported !== true) {
      const g = controlGroupName(m.controlId);
      const info = m.control ?? { controlId: m.controlId };
      // The first member that describes the control (has a title) describes its group.
      if (!controlGroups.has(g) || (controlGroups.get(g)!.title === undefined && info.title !== undefined)) controlGroups.set(g, info);
      groups.push(g);
    }
    for (const g of m.groups ?? []) {
      groups.push(g);
      extraGroups.add(g);
    }
    groups.forEach((g) => usedGroups.add(g));
    if (groups.length > 0) ref.groupNames = groups;
    return ref;
  });
  diagnostics.push(...renderer.diagnostics);

  for (const name of Object.keys(params)) {
    if (!used.has(name.toLowerCase())) {
      diagnostics.push({
        code: 'ZT4006',
        severity: 'warning',
        message: `initiative parameter '${name}' is never passed to a member`,
        hint: "Remove it or pass it to a member (p.name or [parameters('name')]).",
        jsonPath: `$.properties.parameters.${name}`,
      });
    }
  }

  // Groups in a fixed order: principles, units, then extra groups by name.
  const policyDefinitionGroups: PolicyDefinitionGroup[] = [];
  for (const pr of PRINCIPLES) {
    const name = principleGroupName(pr);
    if (usedGroups.has(name)) policyDefinitionGroups.push({ name, displayName: PRINCIPLE_DISPLAY[pr], category: 'Zero Trust principle' });
  }
  for (const u of UNITS) {
    const name = unitGroupName(u);
    if (usedGroups.has(name)) policyDefinitionGroups.push({ name, displayName: UNIT_DISPLAY[u], category: 'Zero Trust unit' });
  }
  for (const [name, c] of [...controlGroups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const description = [
      c.step === undefined ? '' : `Article step ${formatArticleStep(c.step)}.`,
      c.reason ?? '',
      c.remediation === undefined ? '' : `Remediation: ${c.remediation}`,
    ].filter((x) => x !== '').join(' ');
    policyDefinitionGroups.push({
      name,
      displayName: c.title === undefined ? c.controlId : `${c.controlId}: ${c.title}`,
      category: 'Zero Trust control',
      ...(description === '' ? {} : { description }),
    });
  }
  for (const g of [...extraGroups].sort()) {
    if (!policyDefinitionGroups.some((x) => x.name === g)) policyDefinitionGroups.push({ name: g });
  }

  const parameterDefs: Record<string, ParameterDefinition> = renderParameters(params, diagnostics, '$.properties.parameters');
  const ztpolicy: JsonObject = { assignmentName: assignmentName(initiative.name) };
  if (initiative.unit !== undefined) ztpolicy['unit'] = initiative.unit;
  const document: PolicySetDefinitionDocument = {
    name: initiative.name,
    properties: {
      displayName: initiative.displayName,
      description: initiative.description,
      policyType: 'Custom',
      metadata: { ...(initiative.metadata ?? {}), version: initiative.version, category: initiative.category, ztpolicy },
      version: initiative.version,
      ...(Object.keys(parameterDefs).length > 0 ? { parameters: parameterDefs } : {}),
      policyDefinitions,
      ...(policyDefinitionGroups.length > 0 ? { policyDefinitionGroups } : {}),
    },
  };
  return { document, diagnostics };
}

function stripPhantom(spec: ParameterSpec): unknown {
  const { kind: _k, ...rest } = spec;
  return rest;
}
