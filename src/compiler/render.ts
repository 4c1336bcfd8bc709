/**
 * Renders DSL data (conditions, expressions, effects) to policy rule JSON and checks, on the way, what the
 * types cannot see: raw "[...]" strings (parsed with the evaluator's parser, the one parser of the project),
 * functions outside the policy language, undeclared parameters, current() outside a count, aliases that are
 * not in the catalog. Every finding becomes a Diagnostic with the JSON path of the emitted document.
 */
import type { JsonObject, JsonValue } from './canonical-json.js';
import type { Diagnostic } from '../errors.js';
import {
  DEPLOYMENT_ONLY_FUNCTIONS,
  POLICY_FUNCTIONS,
  isExpression,
  parseExpression,
  type ExprNode as ParsedNode,
} from '../evaluator/expression-parser.js';
import type { Condition, OperandData, Target } from '../dsl/conditions.js';
import { Expr, Literal, renderExpr, toNode } from '../dsl/expressions.js';
import { EFFECT_FAMILIES, FIXED_EFFECT, type Effect } from '../dsl/effects.js';
import { ParamRef, type ParameterSpecs } from '../dsl/parameters.js';
import { compilerDiagnostic } from './codes.js';
import type { AliasChecker } from './aliases.js';

/** Special fields (Learn, policy rule "Fields"); everything else in `field` is an alias. */
const SPECIAL_FIELDS = new Set(['type', 'name', 'fullname', 'kind', 'location', 'id', 'identity.type', 'identity.userassignedidentities', 'tags']);
export function isSpecialField(name: string): boolean {
  const n = name.toLowerCase();
  return SPECIAL_FIELDS.has(n) || n.startsWith('tags[') || n.startsWith('tags.');
}

/** Where an expression sits: decides which functions it may call and which type field() reads. */
interface Scope {
  /** Type the `field` conditions read (the related type inside existenceCondition). */
  readonly conditionType: string;
  /** Type the field() function reads (always the evaluated resource). */
  readonly functionType: string;
  /** Inside count.where: current() allowed. */
  readonly inWhere: boolean;
  /** Inside a modify operation condition: field(), resourceGroup(), subscription() forbidden. */
  readonly modifyCondition?: boolean;
}

export class RuleRenderer {
  readonly diagnostics: Diagnostic[] = [];
  /** Lower-case names of parameters the rule references. */
  readonly usedParameters = new Set<string>();
  private readonly declared: Map<string, string>;
  /**
   * Types the rule opted into with fieldsOf(type) in a field condition (lower-case). field() inside an expression
   * may read their aliases too: a rule that matches a parent and its child type (an NSG and its securityRules)
   * computes values from the child's fields in the child branch, and an expression cannot carry fieldsOf's type.
   */
  private readonly crossTypes = new Set<string>();

  constructor(
    private readonly parameters: ParameterSpecs,
    private readonly aliases: AliasChecker | undefined,
  ) {
    this.declared = new Map(Object.keys(parameters).map((n) => [n.toLowerCase(), n]));
  }

  /** Records the fieldsOf(type) types a condition tree uses (call before rendering it). */
  noteCrossTypes(c: Condition): void {
    switch (c.type) {
      case 'allOf':
      case 'anyOf':
        c.items.forEach((x) => this.noteCrossTypes(x));
        return;
      case 'not':
        this.noteCrossTypes(c.item);
        return;
      case 'leaf': {
        const o = c.operand;
        if ((o.t === 'field' || o.t === 'fieldCount') && o.crossType !== undefined) this.crossTypes.add(o.crossType.toLowerCase());
        if ((o.t === 'fieldCount' || o.t === 'valueCount') && o.where !== undefined) this.noteCrossTypes(o.where);
        return;
      }
    }
  }

  // ---------- expressions ----------

  /** Checks one "[...]" string (built or raw). */
  checkExpressionText(text: string, path: string, scope: Scope): void {
    let node: ParsedNode;
    try {
      node = parseExpression(text);
    } catch (e) {
      this.diagnostics.push({
        code: 'ZT3023',
        severity: 'error',
        message: `template expression ${JSON.stringify(text)} cannot be parsed: ${(e as Error).message}`,
        hint: "Fix the expression: balanced brackets and parentheses, 'quoted' strings ('' escapes a quote), comma-separated arguments.",
        jsonPath: path,
      });
      return;
    }
    this.walkParsed(node, path, scope);
  }

  private walkParsed(node: ParsedNode, path: string, scope: Scope): void {
    switch (node.kind) {
      case 'literal':
        return;
      case 'member':
        this.walkParsed(node.object, path, scope);
        return;
      case 'index':
        this.walkParsed(node.object, path, scope);
        this.walkParsed(node.index, path, scope);
        return;
      case 'call':
        break;
    }
    const lower = node.name.toLowerCase();
    if (!POLICY_FUNCTIONS.includes(lower)) {
      const deploymentOnly = DEPLOYMENT_ONLY_FUNCTIONS.includes(lower) || lower.startsWith('list');
      this.diagnostics.push(
        compilerDiagnostic(
          'ZT6002',
          deploymentOnly
            ? `function ${node.name}() is not available in policy rules (only inside a deployIfNotExists template)`
            : `unknown template function ${node.name}()`,
          path,
        ),
      );
    }
    const firstArg = node.args[0];
    const literalArg = firstArg?.kind === 'literal' && typeof firstArg.value === 'string' ? firstArg.value : undefined;
    if (lower === 'parameters' && literalArg !== undefined) this.useParameter(literalArg, path);
    if (lower === 'current' && !scope.inWhere) {
      this.diagnostics.push(compilerDiagnostic('ZT6005', `current() used outside a count's where`, path));
    }
    if (scope.modifyCondition && (lower === 'field' || lower === 'resourcegroup' || lower === 'subscription')) {
      this.diagnostics.push(compilerDiagnostic('ZT6006', `${node.name}() cannot be used in a modify operation condition`, path));
    }
    if (lower === 'field' && literalArg !== undefined) this.checkField(literalArg, scope.functionType, path, true);
    for (const a of node.args) this.walkParsed(a, path, scope);
  }

  private useParameter(name: string, path: string): void {
    const declared = this.declared.get(name.toLowerCase());
    if (declared === undefined) {
      const known = [...this.declared.values()];
      this.diagnostics.push({
        code: 'ZT4001',
        severity: 'error',
        message: `parameter '${name}' is used but not declared${known.length ? ` (declared: ${known.join(', ')})` : ''}`,
        hint: "Declare it in the control's parameters or fix the name; Azure rejects a rule that references an undeclared parameter.",
        jsonPath: path,
      });
      return;
    }
    this.usedParameters.add(declared.toLowerCase());
  }

  /** Renders an expression object to its "[...]" string and checks it. */
  expr(e: Expr, path: string, scope: Scope): string {
    const text = renderExpr(e);
    this.checkExpressionText(text, path, scope);
    return text;
  }

  /** A JSON value that may hold expressions (deep): Expr -> "[...]", raw "[...]" strings checked. */
  value(v: unknown, path: string, scope: Scope): JsonValue {
    if (v instanceof Expr) return this.expr(v, path, scope);
    if (v instanceof Literal) return v.text.startsWith('[') ? `[${v.text}` : v.text;
    if (typeof v === 'string') {
      if (isExpression(v)) this.checkExpressionText(v, path, scope);
      return v;
    }
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, `${path}[${i}]`, scope));
    if (typeof v === 'object') {
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        out[k] = this.value(x, `${path}.${k}`, scope);
      }
      return out;
    }
    throw new TypeError(`cannot emit a ${typeof v} at ${path}`);
  }

  // ---------- fields ----------

  checkField(name: string, resourceType: string, path: string, inExpression = false): void {
    if (isSpecialField(name) || this.aliases === undefined) return;
    const problem = this.aliases.check(resourceType, name);
    if (problem === undefined) return;
    if (problem.kind === 'otherType') {
      if (inExpression && problem.types.some((t) => this.crossTypes.has(t.toLowerCase()))) return;
      this.diagnostics.push(
        compilerDiagnostic(
          'ZT6013',
          `alias '${name}' is not an alias of ${resourceType} (it belongs to ${problem.types.join(', ')})`,
          path,
        ),
      );
      return;
    }
    this.diagnostics.push(
      compilerDiagnostic(
        'ZT6001',
        `unknown alias '${name}' for ${resourceType}${problem.suggestion ? `; did you mean '${problem.suggestion}'?` : ''}`,
        path,
        problem.suggestion ? { hint: `Replace it with '${problem.suggestion}' (the alias catalog is in src/catalog).` } : {},
      ),
    );
  }

  private fieldName(name: string | Expr, crossType: string | undefined, path: string, scope: Scope): string {
    if (typeof name !== 'string') return this.expr(name, path, scope);
    if (isExpression(name)) {
      this.checkExpressionText(name, path, scope);
      return name;
    }
    this.checkField(name, crossType ?? scope.conditionType, path);
    return name;
  }

  // ---------- conditions ----------

  condition(c: Condition, path: string, scope: Scope): JsonObject {
    switch (c.type) {
      case 'allOf':
      case 'anyOf':
        return { [c.type]: c.items.map((x, i) => this.condition(x, `${path}.${c.type}[${i}]`, scope)) };
      case 'not':
        return { not: this.condition(c.item, `${path}.not`, scope) };
      case 'leaf': {
        const out: JsonObject = this.operand(c.operand, path, scope);
        out[c.operator] = this.target(c.operator, c.target, `${path}.${c.operator}`, scope);
        return out;
      }
    }
  }

  private operand(o: OperandData, path: string, scope: Scope): JsonObject {
    switch (o.t) {
      case 'field':
        return { field: this.fieldName(o.name, o.crossType, `${path}.field`, scope) };
      case 'value': {
        // The 2020-10-01 schema types `value` as a string: non-string literals go through an expression.
        const v = o.value;
        if (typeof v === 'string' || v instanceof Expr) return { value: this.value(v, `${path}.value`, scope) };
        const lifted = typeof v === 'number' ? `[int(${v})]` : renderExpr(new Expr(toNode(v)));
        this.checkExpressionText(lifted, `${path}.value`, scope);
        return { value: lifted };
      }
      case 'fieldCount': {
        const count: JsonObject = { field: this.fieldName(o.field, o.crossType, `${path}.count.field`, scope) };
        if (o.where) count['where'] = this.condition(o.where, `${path}.count.where`, { ...scope, inWhere: true });
        return { count };
      }
      case 'valueCount': {
        const count: JsonObject = { value: this.value(o.value, `${path}.count.value`, scope) };
        if (o.name !== undefined) {
          // Learn (policy rule, "Value count"): the name is English letters and digits only.
          if (!/^[A-Za-z0-9]+$/.test(o.name)) {
            this.diagnostics.push(compilerDiagnostic('ZT6016', `value count name '${o.name}' may only contain English letters and digits`, `${path}.count.name`));
          }
          count['name'] = o.name;
        }
        if (o.where) count['where'] = this.condition(o.where, `${path}.count.where`, { ...scope, inWhere: true });
        return { count };
      }
    }
  }

  private target(operator: string, t: Target, path: string, scope: Scope): JsonValue {
    // The 2020-10-01 schema types equals/notEquals/less.../greater... as number|string and the string
    // operators as string; equals compares as strings anyway (policy-semantics.md §5.2), so booleans are
    // emitted as "true"/"false". exists accepts string|boolean: we write "true"/"false" like Learn's examples.
    if (typeof t === 'boolean') return t ? 'true' : 'false';
    return this.value(t, path, scope);
  }

  // ---------- effects ----------

  effect(e: Effect, ruleType: string, path: string): JsonObject {
    const scope: Scope = { conditionType: ruleType, functionType: ruleType, inWhere: false };
    const out: JsonObject = {};
    if (e.effect instanceof ParamRef) {
      out['effect'] = this.expr(e.effect, `${path}.effect`, scope);
      this.checkEffectParameter(e, e.effect.paramName, `${path}.effect`);
    } else {
      const allowed = EFFECT_FAMILIES[e.family].map((x) => x.toLowerCase());
      if (!allowed.includes(String(e.effect).toLowerCase())) {
        this.diagnostics.push({ code: 'ZT4010', severity: 'error', message: `effect '${String(e.effect)}' does not fit a ${e.family} rule`, jsonPath: `${path}.effect` });
      }
      out['effect'] = FIXED_EFFECT[e.family];
    }
    const dpath = `${path}.details`;
    switch (e.family) {
      case 'audit':
      case 'deny':
      case 'disabled':
        break;
      case 'append':
        out['details'] = e.details.map((d, i) => ({
          field: this.fieldName(d.field, undefined, `${dpath}[${i}].field`, scope),
          value: this.value(d.value, `${dpath}[${i}].value`, scope),
        }));
        break;
      case 'modify': {
        const d = e.details;
        if (d.roleDefinitionIds.length === 0) this.missing('modify needs at least one roleDefinitionIds entry', `${dpath}.roleDefinitionIds`);
        if (d.operations.length === 0) this.missing('modify needs at least one operation', `${dpath}.operations`);
        const details: JsonObject = {
          roleDefinitionIds: [...d.roleDefinitionIds],
          operations: d.operations.map((op, i) => {
            const p = `${dpath}.operations[${i}]`;
            const o: JsonObject = { operation: op.operation, field: this.fieldName(op.field, undefined, `${p}.field`, scope) };
            if (op.value !== undefined) o['value'] = this.value(op.value, `${p}.value`, scope);
            else if (op.operation !== 'remove') this.missing(`${op.operation} needs a value`, `${p}.value`);
            if (op.condition !== undefined) {
              o['condition'] = this.value(op.condition, `${p}.condition`, { ...scope, modifyCondition: true });
            }
            return o;
          }),
        };
        if (d.conflictEffect !== undefined) details['conflictEffect'] = this.value(d.conflictEffect, `${dpath}.conflictEffect`, scope);
        out['details'] = details;
        break;
      }
      case 'auditIfNotExists':
      case 'deployIfNotExists': {
        const d = e.details;
        const details: JsonObject = { type: d.type };
        if (d.name !== undefined) details['name'] = this.value(d.name, `${dpath}.name`, scope);
        else if (d.type.toLowerCase() === ruleType.toLowerCase()) {
          this.diagnostics.push(compilerDiagnostic('ZT6015', `details.type is the rule's own type but details.name is not set`, `${dpath}.name`));
        }
        if (d.resourceGroupName !== undefined) details['resourceGroupName'] = this.value(d.resourceGroupName, `${dpath}.resourceGroupName`, scope);
        if (d.existenceScope !== undefined) details['existenceScope'] = d.existenceScope;
        if (d.evaluationDelay !== undefined) details['evaluationDelay'] = d.evaluationDelay;
        if (d.existenceCondition !== undefined) {
          details['existenceCondition'] = this.condition(d.existenceCondition, `${dpath}.existenceCondition`, {
            conditionType: d.type,
            functionType: ruleType,
            inWhere: false,
          });
        }
        if (e.family === 'deployIfNotExists') {
          const dd = e.details;
          if (dd.roleDefinitionIds.length === 0) this.missing('deployIfNotExists needs at least one roleDefinitionIds entry', `${dpath}.roleDefinitionIds`);
          details['roleDefinitionIds'] = [...dd.roleDefinitionIds];
          if (dd.deploymentScope !== undefined) details['deploymentScope'] = dd.deploymentScope;
          if (dd.deploymentScope === 'subscription' && dd.deployment.location === undefined) {
            this.missing('a subscription-scope deployment needs deployment.location', `${dpath}.deployment.location`);
          }
          const props: JsonObject = {
            // The deployments schema's enum is 'Incremental' | 'Complete' (case-sensitive in the schema).
            mode: 'Incremental',
            // The template is ARM's: its "[...]" expressions are evaluated by ARM, not by Policy, so they are
            // emitted as written and not checked against the policy function list.
            template: dd.deployment.properties.template,
          };
          if (dd.deployment.properties.parameters !== undefined) {
            props['parameters'] = this.value(dd.deployment.properties.parameters, `${dpath}.deployment.properties.parameters`, scope);
          }
          const deployment: JsonObject = { properties: props };
          if (dd.deployment.location !== undefined) deployment['location'] = dd.deployment.location;
          details['deployment'] = deployment;
        }
        out['details'] = details;
        break;
      }
      case 'denyAction': {
        const details: JsonObject = { actionNames: [...e.details.actionNames] };
        if (e.details.cascadeBehaviors !== undefined) details['cascadeBehaviors'] = { ...e.details.cascadeBehaviors };
        out['details'] = details;
        break;
      }
      case 'manual':
        if (e.details !== undefined) out['details'] = { ...e.details };
        break;
    }
    return out;
  }

  private missing(message: string, path: string): void {
    this.diagnostics.push(compilerDiagnostic('ZT6007', message, path));
  }

  /** The effect parameter's allowedValues must all fit the rule's effect family (ZT4003). */
  private checkEffectParameter(e: Effect, name: string, path: string): void {
    const declaredName = this.declared.get(name.toLowerCase());
    if (declaredName === undefined) return; // reported as ZT4001 by the expression check
    const spec = this.parameters[declaredName];
    const fits = EFFECT_FAMILIES[e.family].map((x) => x.toLowerCase());
    const allowed = spec?.allowedValues;
    if (spec?.type !== 'String') {
      this.diagnostics.push({ code: 'ZT4003', severity: 'error', message: `effect parameter '${declaredName}' must be a String parameter`, jsonPath: `$.properties.parameters.${declaredName}` });
      return;
    }
    if (allowed === undefined) {
      this.diagnostics.push({
        code: 'ZT4003',
        severity: 'error',
        message: `effect parameter '${declaredName}' has no allowedValues, so an assignment could pick an effect this ${e.family} rule does not support`,
        hint: `Declare it with param.effect([...], default) using only: ${EFFECT_FAMILIES[e.family].join(', ')}.`,
        jsonPath: `$.properties.parameters.${declaredName}.allowedValues`,
      });
      return;
    }
    allowed.forEach((v, i) => {
      if (typeof v !== 'string' || !fits.includes(v.toLowerCase())) {
        this.diagnostics.push({
          code: 'ZT4003',
          severity: 'error',
          message: `effect parameter '${declaredName}' allows '${String(v)}', which a ${e.family} rule does not support (allowed: ${EFFECT_FAMILIES[e.family].join(', ')})`,
          hint: 'Remove the value from allowedValues, or give the rule the details that effect needs.',
          jsonPath: `$.properties.parameters.${declaredName}.allowedValues[${i}]`,
        });
      }
    });
    void path;
  }
}

export type { Scope };
