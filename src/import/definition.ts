/**
 * One Azure Policy definition (`{ name, properties }`, expressions unescaped) -> the TypeScript source of a
 * control: conditions become the DSL's operators (`field('...').equals(...)`, allOf/anyOf/not, count), effects
 * its effect builders, parameters `param.*` declarations, so the file reads like the hand-written samples in
 * definitions/. Fields are typed: aliases of the rule's resource type through the rule's `field`, aliases of
 * another type through `fieldsOf(type)`, names the catalog does not know through `rawField` (the compiler
 * reports those). What the DSL cannot express throws ImportUnsupported with the JSON path, and the file is
 * listed as not imported.
 */
import type { AliasCatalog } from '../catalog/aliases.js';
import { isSpecialField } from '../compiler/render.js';
import { EFFECT_NAMES } from '../dsl/parameters.js';
import { ALIASLESS_RESOURCE_TYPES } from '../dsl/fields.js';
import { roles } from '../dsl/effects.js';
import { OPERATORS } from '../dsl/conditions.js';
import { isExpression } from '../evaluator/expression-parser.js';
import type { Principle, Unit } from '../model.js';
import { array, arrow, call, chain, flat, json, key, member, object, paren, render, str, text, type Code } from './code.js';
import { expressionCode, valueCode, type ExprScope } from './expressions.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A construct the DSL cannot express: the file is reported, not imported. */
export class ImportUnsupported extends Error {
  constructor(
    message: string,
    readonly jsonPath: string,
  ) {
    super(message);
    this.name = 'ImportUnsupported';
  }
}

export interface ControlSourceOptions {
  readonly unit: Unit;
  readonly principle: Principle;
  /** Module specifier of the DSL as seen from the generated file ('../../src/dsl/index.js' or 'ztpolicy'). */
  readonly dslModule: string;
  /** Where the policy came from (a display path), named in the file's header comment. */
  readonly origin: string;
  readonly aliases: AliasCatalog;
}

export interface ControlSource {
  readonly text: string;
  /** What the source had that the generated control does not keep (metadata keys...), for the report. */
  readonly dropped: readonly string[];
}

/**
 * Metadata Azure or other tools write that does not belong in a source file: server timestamps and
 * identities (ARM systemData duplicates), EPAC's and ztpolicy's ownership markers (publish writes ztpolicy's).
 */
export const DROPPED_METADATA = ['createdBy', 'createdOn', 'updatedBy', 'updatedOn', 'lastSyncedToArgOn', 'pacOwnerId', 'deployedBy', 'ztpolicyOwner'];

/**
 * Read-only data a GET returns (az CLI flattens it next to the properties): not part of a PUT body, not kept.
 * `versions` lists the stored versions of a definition (api-version 2023-04-01 and later).
 */
export const SERVER_PROPERTIES = ['systemData', 'versions'];

const PARAM_KIND: Record<string, string> = {
  string: 'string', array: 'array', object: 'object', boolean: 'boolean', integer: 'integer', float: 'float', datetime: 'dateTime',
};
const PARAM_METADATA = ['displayName', 'description', 'strongType', 'assignPermissions', 'deprecated'];
const EFFECT_DEFAULT_META = { displayName: 'Effect', description: 'Enable or disable the execution of the policy' };

/** Case-insensitive property read (ARM reads JSON property names case-insensitively: `ResourceGroupName` works). */
function prop(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
}

function checkKeys(o: Obj, allowed: readonly string[], path: string): void {
  const lower = allowed.map((a) => a.toLowerCase());
  for (const k of Object.keys(o)) {
    if (!lower.includes(k.toLowerCase())) throw new ImportUnsupported(`'${k}' is not supported here`, `${path}.${k}`);
  }
}

/** Parameter declarations as `param.*` calls (shared with initiatives). */
export function parametersCode(params: unknown, path: string, dropped: string[], use: (id: string) => void): Code | undefined {
  if (params === undefined || params === null) return undefined;
  if (!isObj(params)) throw new ImportUnsupported('parameters is not an object', path);
  const entries = Object.entries(params);
  if (entries.length === 0) return undefined;
  use('param');
  return object(entries.map(([name, raw]) => [name, parameterCode(name, raw, `${path}.${name}`, dropped)] as const));
}

function parameterCode(name: string, raw: unknown, path: string, dropped: string[]): Code {
  if (!isObj(raw)) throw new ImportUnsupported(`parameter '${name}' is not an object`, path);
  checkKeys(raw, ['type', 'metadata', 'defaultValue', 'allowedValues', 'schema'], path);
  const type = typeof raw['type'] === 'string' ? PARAM_KIND[raw['type'].toLowerCase()] : undefined;
  if (type === undefined) throw new ImportUnsupported(`parameter '${name}' has type ${JSON.stringify(raw['type'])}`, `${path}.type`);
  const meta = isObj(raw['metadata']) ? raw['metadata'] : {};
  for (const k of Object.keys(meta)) if (!PARAM_METADATA.includes(k)) dropped.push(`${path}.metadata.${k}`);
  const allowed = raw['allowedValues'];
  const def = raw['defaultValue'];
  const isEffect =
    type === 'string' &&
    Array.isArray(allowed) &&
    allowed.length > 0 &&
    allowed.every((v) => typeof v === 'string' && EFFECT_NAMES.some((e) => e === v || e.toLowerCase() === v)) &&
    typeof def === 'string' &&
    typeof meta['displayName'] === 'string' &&
    typeof meta['description'] === 'string';
  const options: Array<readonly [string, Code]> = [];
  for (const k of PARAM_METADATA) {
    if (meta[k] === undefined) continue;
    if (isEffect && (k === 'displayName' || k === 'description') && meta[k] === EFFECT_DEFAULT_META[k]) continue;
    options.push([k, json(meta[k])]);
  }
  if (isEffect) {
    const args: Code[] = [json(allowed), json(def)];
    if (raw['schema'] !== undefined) options.push(['schema', json(raw['schema'])]);
    if (options.length > 0) args.push(object(options));
    return call('param.effect', ...args);
  }
  if (allowed !== undefined) options.push(['allowedValues', json(allowed)]);
  if (def !== undefined) options.push(['defaultValue', json(def)]);
  if (raw['schema'] !== undefined) options.push(['schema', json(raw['schema'])]);
  return options.length === 0 ? call(`param.${type}`) : call(`param.${type}`, object(options));
}

/** Generates the control file for one definition. */
export function controlSource(name: string, properties: Obj, options: ControlSourceOptions): ControlSource {
  const gen = new ControlGenerator(properties, options);
  return gen.generate(name);
}

class ControlGenerator {
  private readonly imports = new Set<string>(['defineControl']);
  /** Rule-context members the rule callback destructures (field, p, count...). */
  private readonly ctx = new Set<string>();
  /** Module-level `const x = fieldsOf('type')` declarations: type -> variable. */
  private readonly crossTypes = new Map<string, string>();
  private readonly dropped: string[] = [];
  private readonly parameterNames: Set<string>;
  private readonly resourceType: string;
  private readonly ruleTypes: string[];

  constructor(
    private readonly props: Obj,
    private readonly options: ControlSourceOptions,
  ) {
    const params = isObj(props['parameters']) ? props['parameters'] : {};
    this.parameterNames = new Set(Object.keys(params));
    const rule = props['policyRule'];
    this.ruleTypes = isObj(rule) ? typesNamed(rule['if'], options.aliases) : [];
    this.resourceType = this.pickResourceType();
  }

  private use = (id: string): void => {
    this.imports.add(id);
  };

  /** The first resource type the rule's `type` conditions name, else the type most of its aliases belong to. */
  private pickResourceType(): string {
    const first = this.ruleTypes[0];
    if (first !== undefined) return first;
    const counts = new Map<string, number>();
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isObj(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (k.toLowerCase() === 'field' && typeof x === 'string' && !isSpecialField(x) && !isExpression(x)) {
            const owner = this.options.aliases.find(x)?.resourceType;
            if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
          } else visit(x);
        }
      }
    };
    const rule = this.props['policyRule'];
    if (isObj(rule)) visit(rule['if']);
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    // No type and no alias (e.g. a tags or location rule): the rule reads special fields only, which every
    // type has; a subscription-level type keeps the generated `field` free of any alias union.
    return best?.[0] ?? ALIASLESS_RESOURCE_TYPES[0]!;
  }

  generate(name: string): ControlSource {
    const p = this.props;
    const path = '$.properties';
    for (const k of SERVER_PROPERTIES) if (k in p) this.dropped.push(`${path}.${k}`);
    checkKeys(p, [...SERVER_PROPERTIES, 'displayName', 'description', 'policyType', 'mode', 'metadata', 'parameters', 'policyRule', 'version', 'externalEvaluationEnforcementSettings'], path);
    if (p['externalEvaluationEnforcementSettings'] !== undefined) {
      throw new ImportUnsupported('externalEvaluationEnforcementSettings is not supported by the DSL', `${path}.externalEvaluationEnforcementSettings`);
    }
    const rule = p['policyRule'];
    if (!isObj(rule)) throw new ImportUnsupported('policyRule is not an object', `${path}.policyRule`);
    checkKeys(rule, ['if', 'then'], `${path}.policyRule`);
    const metadata = isObj(p['metadata']) ? p['metadata'] : {};
    const version = typeof metadata['version'] === 'string' ? metadata['version'] : typeof p['version'] === 'string' ? p['version'] : '1.0.0';
    const category = typeof metadata['category'] === 'string' ? metadata['category'] : 'Imported';
    const extraMeta = Object.entries(metadata).filter(([k]) => {
      if (k === 'version' || k === 'category') return false;
      if (k === 'ztpolicy' || DROPPED_METADATA.includes(k)) {
        this.dropped.push(`${path}.metadata.${k}`);
        return false;
      }
      return true;
    });
    const mode = typeof p['mode'] === 'string' ? canonicalMode(p['mode']) : 'Indexed';

    const params = parametersCode(p['parameters'], `${path}.parameters`, this.dropped, this.use);
    const ifCode = this.condition(rule['if'], `${path}.policyRule.if`, { fieldFn: 'field', inExistence: false });
    const thenCode = this.effect(rule['then'], `${path}.policyRule.then`);
    const ctxNames = ['field', 'p', 'count', 'countValue', 'append', 'modify'].filter((n) => this.ctx.has(n));
    const ruleCode = arrow(ctxNames.length > 0 ? `({ ${ctxNames.join(', ')} })` : '()', paren(object([['if', ifCode], ['then', thenCode]])));

    const entries: Array<readonly [string, Code]> = [
      ['name', text(str(name))],
      ['controlId', text(str(name))],
      ['displayName', text(str(typeof p['displayName'] === 'string' ? p['displayName'] : name))],
      ['description', text(str(typeof p['description'] === 'string' ? p['description'] : ''))],
      ['principle', text(str(this.options.principle))],
      ['unit', text(str(this.options.unit))],
      ['version', text(str(version))],
      ['category', text(str(category))],
      ['mode', text(str(mode))],
      ['resourceType', text(str(this.resourceType))],
      ['imported', text('true')],
    ];
    if (extraMeta.length > 0) entries.push(['metadata', object(extraMeta.map(([k, v]) => [k, json(v)] as const))]);
    if (params !== undefined) entries.push(['parameters', params]);
    entries.push(['rule', ruleCode]);
    entries.push(['remediation', text(str('Not stated by the imported policy: describe how to fix a non-compliant resource.'))]);

    const body = render(call('defineControl', object(entries)), '', 'export default '.length, 1);
    const crossDecls = [...this.crossTypes.entries()].map(([type, v]) => `const ${v} = fieldsOf(${str(type)});\n`);
    if (crossDecls.length > 0) this.imports.add('fieldsOf');
    const header =
      `/**\n * Imported by \`ztpolicy import\` from ${this.options.origin.replace(/\*\//g, '*\\/')}.\n` +
      ` * The principle and the remediation were not in the source: review them.\n */\n`;
    const importLine = `import { ${[...this.imports].sort(byName).join(', ')} } from ${str(this.options.dslModule)};\n`;
    const textOut = `${importLine}\n${crossDecls.length > 0 ? `${crossDecls.join('')}\n` : ''}${header}export default ${body};\n`;
    return { text: textOut, dropped: this.dropped };
  }

  // ---------- fields ----------

  /**
   * Code for a field name: special fields and aliases of the scope's type through its field function, aliases
   * of another type through fieldsOf, unknown names through rawField.
   */
  private field(name: string, fieldFn: string, scopeType: string): Code {
    if (isSpecialField(name)) {
      if (/^(type|name|fullName|kind|location|id|identity\.type|identity\.userAssignedIdentities|tags)$/.test(name) || /^tags(\[|\.)/.test(name)) {
        this.useFieldFn(fieldFn);
        return text(`${fieldFn}(${str(name)})`);
      }
      this.use('rawField');
      return text(`rawField(${str(name)})`);
    }
    const own = this.options.aliases.get(scopeType)?.get(name.toLowerCase());
    if (own !== undefined) {
      this.useFieldFn(fieldFn);
      return text(`${fieldFn}(${str(own.name)})`);
    }
    const owners = this.options.aliases.findAll(name);
    if (owners.length > 0) {
      const preferred = owners.find((o) => this.ruleTypes.some((t) => t.toLowerCase() === o.resourceType.toLowerCase())) ?? owners[0]!;
      return text(`${this.crossVar(preferred.resourceType)}(${str(preferred.name)})`);
    }
    this.use('rawField');
    return text(`rawField(${str(name)})`);
  }

  private useFieldFn(fieldFn: string): void {
    if (fieldFn === 'field') this.ctx.add('field');
  }

  private crossVar(type: string): string {
    const existing = this.crossTypes.get(type);
    if (existing !== undefined) return existing;
    const segments = type.split('/').slice(1);
    const taken = new Set(this.crossTypes.values());
    for (let n = 1; n <= segments.length; n++) {
      const words = segments.slice(-n).map((s) => s.replace(/[^A-Za-z0-9]/g, ''));
      const last = words[words.length - 1]!;
      words[words.length - 1] = last.length > 3 && last.endsWith('s') && !last.endsWith('ss') ? last.slice(0, -1) : last;
      const v = `${words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('')}Field`;
      if (!taken.has(v)) {
        this.crossTypes.set(type, v);
        return v;
      }
    }
    const v = `type${this.crossTypes.size + 1}Field`;
    this.crossTypes.set(type, v);
    return v;
  }

  private exprScope(): ExprScope {
    return {
      parameters: this.parameterNames,
      // field() inside an expression always reads the evaluated resource (the rule's type), even in
      // existenceCondition ([E-AINE]); the outer `field` function is the one that types it.
      field: (name) => this.field(name, 'field', this.resourceType),
      use: (id) => {
        if (id === 'p') this.ctx.add('p');
        else this.use(id);
      },
    };
  }

  /** A JSON value that may hold expressions (deep). */
  /**
   * A value: a top-level "[...]" string becomes typed expression code; strings nested in arrays and objects
   * stay as written (the DSL types nested values as JSON, and the compiler checks them as raw expressions).
   */
  private value(v: unknown): Code {
    return typeof v === 'string' ? valueCode(v, this.exprScope(), json) : json(v);
  }

  // ---------- conditions ----------

  private condition(c: unknown, path: string, scope: { fieldFn: string; inExistence: boolean }, scopeType = this.resourceType): Code {
    if (!isObj(c)) throw new ImportUnsupported('a condition must be an object', path);
    const keys = Object.keys(c);
    const lk = keys.map((k) => k.toLowerCase());
    if (lk.length === 1 && (lk[0] === 'allof' || lk[0] === 'anyof')) {
      const items = c[keys[0]!];
      if (!Array.isArray(items) || items.length === 0) throw new ImportUnsupported(`${keys[0]} needs a non-empty array`, `${path}.${keys[0]}`);
      const fnName = lk[0] === 'allof' ? 'allOf' : 'anyOf';
      this.use(fnName);
      return call(fnName, ...items.map((x, i) => this.condition(x, `${path}.${keys[0]}[${i}]`, scope, scopeType)));
    }
    if (lk.length === 1 && lk[0] === 'not') {
      this.use('not');
      return call('not', this.condition(c[keys[0]!], `${path}.${keys[0]}`, scope, scopeType));
    }
    const operandKeys = keys.filter((k) => ['field', 'value', 'count'].includes(k.toLowerCase()));
    const operatorKeys = keys.filter((k) => OPERATORS.some((o) => o.toLowerCase() === k.toLowerCase()));
    if (operandKeys.length !== 1 || operatorKeys.length !== 1 || keys.length !== 2) {
      throw new ImportUnsupported(`a condition needs one of field/value/count and one operator (has ${keys.join(', ')})`, path);
    }
    const operandKey = operandKeys[0]!;
    const opKey = operatorKeys[0]!;
    const operator = OPERATORS.find((o) => o.toLowerCase() === opKey.toLowerCase())!;
    const target = c[opKey];
    const targetCode = this.target(operator, target);
    const operand = c[operandKey];
    switch (operandKey.toLowerCase()) {
      case 'field': {
        if (typeof operand !== 'string') throw new ImportUnsupported('field must be a string', `${path}.${operandKey}`);
        let head: string;
        if (isExpression(operand)) {
          this.use('fieldExpr');
          head = `fieldExpr(${flat(expressionCode(operand, this.exprScope()))})`;
        } else head = flat(this.field(operand, scope.fieldFn, scopeType));
        return call(`${head}.${operator}`, ...targetCode);
      }
      case 'value': {
        this.use('value');
        const v = this.value(operand);
        return chain('value', [v], operator, targetCode);
      }
      default: {
        if (!isObj(operand)) throw new ImportUnsupported('count must be an object', `${path}.${operandKey}`);
        const cpath = `${path}.${operandKey}`;
        checkKeys(operand, ['field', 'value', 'name', 'where'], cpath);
        const where = prop(operand, 'where');
        const whereCode = where === undefined ? undefined : this.condition(where, `${cpath}.where`, scope, scopeType);
        const f = prop(operand, 'field');
        if (f !== undefined) {
          if (typeof f !== 'string' || isExpression(f) || !f.includes('[*]')) {
            throw new ImportUnsupported('count.field must be a literal [*] alias', `${cpath}.field`);
          }
          this.ctx.add('count');
          return chain('count', [this.field(f, scope.fieldFn, scopeType), ...(whereCode ? [whereCode] : [])], operator, targetCode);
        }
        const values = prop(operand, 'value');
        const nameValue = prop(operand, 'name');
        this.ctx.add('countValue');
        const opts: Array<readonly [string, Code]> = [];
        if (nameValue !== undefined) opts.push(['name', json(nameValue)]);
        if (whereCode) opts.push(['where', whereCode]);
        return chain('countValue', [this.value(values), ...(opts.length > 0 ? [object(opts)] : [])], operator, targetCode);
      }
    }
  }

  private target(operator: string, t: unknown): Code[] {
    if (operator === 'exists' && (typeof t === 'boolean' || (typeof t === 'string' && /^(true|false)$/i.test(t)))) {
      // exists takes "true"/"false" or a boolean (Learn, Conditions); the DSL writes the string form.
      return [text(String(t).toLowerCase())];
    }
    return [this.value(t)];
  }

  // ---------- effects ----------

  private effect(then: unknown, path: string): Code {
    if (!isObj(then)) throw new ImportUnsupported('then must be an object', path);
    checkKeys(then, ['effect', 'details'], path);
    const effect = prop(then, 'effect');
    const details = prop(then, 'details');
    let paramArg: Code | undefined;
    let fixed: string | undefined;
    let paramName: string | undefined;
    if (typeof effect === 'string' && isExpression(effect)) {
      const m = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i.exec(effect);
      if (!m || !this.parameterNames.has(m[1]!)) throw new ImportUnsupported(`effect ${effect} is not a reference to a declared parameter`, `${path}.effect`);
      paramName = m[1]!;
      paramArg = text(member('p', paramName));
      this.ctx.add('p');
    } else if (typeof effect === 'string') fixed = effect.toLowerCase();
    else throw new ImportUnsupported('effect must be a string', `${path}.effect`);
    const family = this.family(details, fixed, paramName, path);
    const args = (...a: Code[]): Code[] => (paramArg ? [...a, paramArg] : a);
    const dpath = `${path}.details`;
    switch (family) {
      case 'audit':
      case 'deny':
      case 'disabled':
        if (details !== undefined) throw new ImportUnsupported(`a ${family} effect takes no details`, dpath);
        this.use(family);
        return call(family, ...(family === 'disabled' ? [] : args()));
      case 'append': {
        const items = details as unknown[];
        this.ctx.add('append');
        return call('append', ...args(array(items.map((it, i) => {
          if (!isObj(it)) throw new ImportUnsupported('an append item must be an object', `${dpath}[${i}]`);
          checkKeys(it, ['field', 'value'], `${dpath}[${i}]`);
          return object([
            ['field', text(str(this.canonicalAlias(String(prop(it, 'field')))))],
            ['value', this.value(prop(it, 'value'))],
          ]);
        }))));
      }
      case 'modify': {
        const d = details as Obj;
        checkKeys(d, ['roleDefinitionIds', 'conflictEffect', 'operations'], dpath);
        this.ctx.add('modify');
        const ops = prop(d, 'operations');
        if (!Array.isArray(ops)) throw new ImportUnsupported('modify operations must be an array', `${dpath}.operations`);
        const entries: Array<readonly [string, Code]> = [['roleDefinitionIds', this.roleIds(prop(d, 'roleDefinitionIds'), `${dpath}.roleDefinitionIds`)]];
        const conflict = prop(d, 'conflictEffect');
        if (conflict !== undefined) entries.push(['conflictEffect', typeof conflict === 'string' && !isExpression(conflict) ? json(conflict.toLowerCase()) : this.value(conflict)]);
        entries.push([
          'operations',
          array(ops.map((op, i) => {
            const opath = `${dpath}.operations[${i}]`;
            if (!isObj(op)) throw new ImportUnsupported('a modify operation must be an object', opath);
            checkKeys(op, ['operation', 'field', 'value', 'condition'], opath);
            const operation = String(prop(op, 'operation'));
            const canonicalOp = ['add', 'addOrReplace', 'remove'].find((o) => o.toLowerCase() === operation.toLowerCase());
            if (canonicalOp === undefined) throw new ImportUnsupported(`modify operation '${operation}'`, `${opath}.operation`);
            const e: Array<readonly [string, Code]> = [
              ['operation', text(str(canonicalOp))],
              ['field', text(str(this.canonicalAlias(String(prop(op, 'field')))))],
            ];
            if (prop(op, 'value') !== undefined) e.push(['value', this.value(prop(op, 'value'))]);
            const cond = prop(op, 'condition');
            if (cond !== undefined) e.push(['condition', typeof cond === 'string' ? text(str(cond)) : json(cond)]);
            return object(e);
          })),
        ]);
        return call('modify', ...args(object(entries)));
      }
      case 'auditIfNotExists':
      case 'deployIfNotExists': {
        const d = details as Obj;
        const allowed = ['type', 'name', 'resourceGroupName', 'existenceScope', 'evaluationDelay', 'existenceCondition'];
        if (family === 'deployIfNotExists') allowed.push('roleDefinitionIds', 'deploymentScope', 'deployment');
        checkKeys(d, allowed, dpath);
        this.use(family);
        const relatedType = String(prop(d, 'type'));
        const canonicalRelated = this.options.aliases.canonicalResourceType(relatedType) ?? relatedType;
        const entries: Array<readonly [string, Code]> = [['type', text(str(canonicalRelated))]];
        for (const k of ['name', 'resourceGroupName'] as const) {
          const v = prop(d, k);
          if (v !== undefined) entries.push([k, this.value(v)]);
        }
        for (const k of ['existenceScope', 'evaluationDelay'] as const) {
          const v = prop(d, k);
          if (v !== undefined) entries.push([k, json(v)]);
        }
        const ec = prop(d, 'existenceCondition');
        if (ec !== undefined) {
          const body = this.condition(ec, `${dpath}.existenceCondition`, { fieldFn: 'related', inExistence: true }, canonicalRelated);
          entries.push(['existenceCondition', arrow('(related)', body)]);
        }
        if (family === 'deployIfNotExists') {
          entries.push(['roleDefinitionIds', this.roleIds(prop(d, 'roleDefinitionIds'), `${dpath}.roleDefinitionIds`)]);
          const scope = prop(d, 'deploymentScope');
          if (scope !== undefined) entries.push(['deploymentScope', json(scope)]);
          entries.push(['deployment', this.deployment(prop(d, 'deployment'), `${dpath}.deployment`)]);
        }
        return call(family, ...args(object(entries)));
      }
      case 'denyAction': {
        const d = details as Obj;
        checkKeys(d, ['actionNames', 'cascadeBehaviors'], dpath);
        this.use('denyAction');
        return call('denyAction', ...args(json(d)));
      }
      case 'manual': {
        this.use('manual');
        if (details === undefined) return call('manual', ...(paramArg ? [text('undefined'), paramArg] : []));
        checkKeys(details as Obj, ['defaultState'], dpath);
        return call('manual', ...args(json(details)));
      }
    }
    throw new ImportUnsupported(`effect family '${family}'`, path);
  }

  /** Effect family from the details' shape, else from the fixed effect or the parameter's default. */
  private family(details: unknown, fixed: string | undefined, paramName: string | undefined, path: string): string {
    if (Array.isArray(details)) return 'append';
    if (isObj(details)) {
      if (prop(details, 'operations') !== undefined) return 'modify';
      if (prop(details, 'deployment') !== undefined) return 'deployIfNotExists';
      if (prop(details, 'actionNames') !== undefined) return 'denyAction';
      if (prop(details, 'type') !== undefined) return 'auditIfNotExists';
      if (prop(details, 'defaultState') !== undefined) return 'manual';
      throw new ImportUnsupported('details of an unknown shape', `${path}.details`);
    }
    if (details !== undefined) throw new ImportUnsupported('details must be an object or an array', `${path}.details`);
    let effect = fixed;
    if (paramName !== undefined) {
      const decl = (this.props['parameters'] as Obj)[paramName] as Obj;
      const allowed = Array.isArray(decl['allowedValues']) ? decl['allowedValues'].map((x) => String(x).toLowerCase()) : [];
      const def = typeof decl['defaultValue'] === 'string' ? decl['defaultValue'].toLowerCase() : undefined;
      effect = allowed.includes('deny') ? 'deny' : allowed.includes('audit') ? 'audit' : allowed.includes('manual') ? 'manual' : def;
    }
    switch (effect) {
      case 'deny':
      case 'audit':
      case 'disabled':
      case 'manual':
        return effect;
      default:
        throw new ImportUnsupported(`effect '${effect ?? '?'}' without details`, `${path}.effect`);
    }
  }

  private canonicalAlias(name: string): string {
    if (isSpecialField(name)) return name;
    return this.options.aliases.get(this.resourceType)?.get(name.toLowerCase())?.name ?? name;
  }

  private roleIds(v: unknown, path: string): Code {
    if (!Array.isArray(v)) throw new ImportUnsupported('roleDefinitionIds must be an array', path);
    return array(v.map((id, i) => {
      const m = typeof id === 'string' ? /^\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i.exec(id) : null;
      if (!m) throw new ImportUnsupported(`role definition id ${JSON.stringify(id)} is not /providers/Microsoft.Authorization/roleDefinitions/<guid>`, `${path}[${i}]`);
      const guid = m[1]!.toLowerCase();
      const known = Object.entries(roles).find(([, rid]) => rid.toLowerCase().endsWith(guid));
      if (known) {
        this.use('roles');
        return text(`roles.${known[0]}`);
      }
      this.use('roleDefinitionId');
      return text(`roleDefinitionId(${str(guid)})`);
    }));
  }

  private deployment(d: unknown, path: string): Code {
    if (!isObj(d)) throw new ImportUnsupported('deployment must be an object', path);
    checkKeys(d, ['location', 'properties'], path);
    const props = prop(d, 'properties');
    if (!isObj(props)) throw new ImportUnsupported('deployment.properties must be an object', `${path}.properties`);
    checkKeys(props, ['mode', 'template', 'parameters'], `${path}.properties`);
    const mode = String(prop(props, 'mode') ?? 'incremental');
    if (mode.toLowerCase() !== 'incremental') throw new ImportUnsupported(`deployment mode '${mode}'`, `${path}.properties.mode`);
    const entries: Array<readonly [string, Code]> = [];
    const location = prop(d, 'location');
    if (location !== undefined) entries.push(['location', json(location)]);
    // The template is ARM's own document: its "[...]" expressions are ARM's and are kept as written.
    const inner: Array<readonly [string, Code]> = [['mode', text(str(mode === 'Incremental' ? 'Incremental' : 'incremental'))], ['template', json(prop(props, 'template'))]];
    const parameters = prop(props, 'parameters');
    if (parameters !== undefined) {
      if (!isObj(parameters)) throw new ImportUnsupported('deployment parameters must be an object', `${path}.properties.parameters`);
      // { name: { value } }: the values are policy expressions (field('name'), parameters('x')) evaluated by Policy.
      inner.push(['parameters', object(Object.entries(parameters).map(([n, w]) => [n, isObj(w) && Object.keys(w).length === 1 && 'value' in w ? object([['value', this.value(w['value'])]]) : json(w)] as const))]);
    }
    entries.push(['properties', object(inner)]);
    return object(entries);
  }
}

function byName(a: string, b: string): number {
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
}

/** Modes in the DSL's casing (Azure reads them case-insensitively, policy-semantics.md §1). */
function canonicalMode(mode: string): string {
  const known = ['All', 'Indexed', 'Microsoft.KeyVault.Data', 'Microsoft.Kubernetes.Data', 'Microsoft.Network.Data', 'Microsoft.ManagedHSM.Data', 'Microsoft.DataFactory.Data', 'Microsoft.MachineLearningServices.v2.Data'];
  return known.find((m) => m.toLowerCase() === mode.toLowerCase()) ?? mode;
}

/** Resource types named by `type` conditions (equals / in / like without wildcard), canonical casing, in rule order. */
function typesNamed(cond: unknown, aliases: AliasCatalog): string[] {
  const out: string[] = [];
  const add = (t: unknown): void => {
    if (typeof t !== 'string') return;
    const canonical = aliases.canonicalResourceType(t) ?? ALIASLESS_RESOURCE_TYPES.find((a) => a.toLowerCase() === t.toLowerCase());
    if (canonical !== undefined && !out.includes(canonical)) out.push(canonical);
  };
  const visit = (c: unknown): void => {
    if (Array.isArray(c)) return c.forEach(visit);
    if (!isObj(c)) return;
    const f = prop(c, 'field');
    if (typeof f === 'string' && f.toLowerCase() === 'type') {
      const eq = prop(c, 'equals');
      const inList = prop(c, 'in');
      add(eq);
      if (Array.isArray(inList)) inList.forEach(add);
      return;
    }
    for (const [k, v] of Object.entries(c)) if (k.toLowerCase() !== 'count') visit(v);
  };
  visit(cond);
  return out;
}

export { key };
