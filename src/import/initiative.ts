/**
 * One policy set definition -> the TypeScript source of an initiative: custom members import the control files
 * the same import writes (or that already exist in the project), built-in members become typed
 * `builtin.<key>` references from the catalog, member parameter values `[parameters('x')]` become `p.x`.
 */
import { getBuiltinKey, getBuiltinPolicy } from '../catalog/builtins.js';
import { definitionNameFromId, isBuiltinDefinitionId, type Principle, type Unit } from '../model.js';
import { arrow, call, json, member, object, render, str, text, type Code } from './code.js';
import { DROPPED_METADATA, ImportUnsupported, parametersCode, SERVER_PROPERTIES } from './definition.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface InitiativeSourceOptions {
  readonly unit: Unit;
  /** Principle of built-in members (the DSL asks for one; the source has none). */
  readonly principle: Principle;
  readonly dslModule: string;
  /** Module specifier of the built-in catalog ('../src/catalog/builtins.js' or 'ztpolicy'). */
  readonly builtinModule: string;
  readonly origin: string;
  /**
   * Module specifier (from the initiative file) of the control file for a custom member name (case-insensitive),
   * or undefined when the project has no such control.
   */
  readonly controlModule: (name: string) => string | undefined;
}

export interface InitiativeSource {
  readonly text: string;
  readonly dropped: readonly string[];
}

/** A member's policyDefinitionId, or for EPAC files its policyDefinitionName (custom members). */
function memberTarget(ref: Obj, path: string): { builtin: boolean; name: string } {
  const id = ref['policyDefinitionId'];
  const epacName = ref['policyDefinitionName'];
  if (typeof id === 'string' && id.length > 0) {
    if (/\/policySetDefinitions\//i.test(id)) throw new ImportUnsupported('a member is a policy set; Azure does not nest initiatives', `${path}.policyDefinitionId`);
    return { builtin: isBuiltinDefinitionId(id), name: definitionNameFromId(id) };
  }
  // EPAC: custom members are named, built-ins need policyDefinitionId (EPAC docs, policy set definitions).
  if (typeof epacName === 'string' && epacName.length > 0) return { builtin: false, name: epacName };
  throw new ImportUnsupported('member has neither policyDefinitionId nor policyDefinitionName', path);
}

function variableName(name: string, taken: Set<string>): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let v = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  if (!/^[A-Za-z_$]/.test(v)) v = `policy${v.charAt(0).toUpperCase()}${v.slice(1)}`;
  const reserved = new Set(['builtin', 'defineInitiative', 'member', 'param', 'p', 'default', 'import', 'export', 'const', 'function', 'new', 'delete', 'in', 'with', 'class', 'enum']);
  let candidate = v;
  for (let n = 2; taken.has(candidate.toLowerCase()) || reserved.has(candidate); n++) candidate = `${v}${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

export function initiativeSource(name: string, props: Obj, options: InitiativeSourceOptions): InitiativeSource {
  const path = '$.properties';
  const dropped: string[] = [];
  const imports = new Set<string>(['defineInitiative']);
  const use = (id: string): void => void imports.add(id);
  for (const k of SERVER_PROPERTIES) if (k in props) dropped.push(`${path}.${k}`);
  for (const k of Object.keys(props)) {
    if (![...SERVER_PROPERTIES, 'displayName', 'description', 'policyType', 'metadata', 'parameters', 'policyDefinitions', 'policyDefinitionGroups', 'version'].includes(k)) {
      throw new ImportUnsupported(`'${k}' is not supported here`, `${path}.${k}`);
    }
  }
  const groups = props['policyDefinitionGroups'];
  if (Array.isArray(groups) && groups.length > 0) {
    // The DSL derives groups from principles and units; named regulatory groups are not modelled yet.
    throw new ImportUnsupported('policyDefinitionGroups are not supported by the DSL', `${path}.policyDefinitionGroups`);
  }
  const metadata = isObj(props['metadata']) ? props['metadata'] : {};
  const version = typeof metadata['version'] === 'string' ? metadata['version'] : typeof props['version'] === 'string' ? props['version'] : '1.0.0';
  const category = typeof metadata['category'] === 'string' ? metadata['category'] : 'Imported';
  const extraMeta = Object.entries(metadata).filter(([k]) => {
    if (k === 'version' || k === 'category') return false;
    if (k === 'ztpolicy' || DROPPED_METADATA.includes(k)) {
      dropped.push(`${path}.metadata.${k}`);
      return false;
    }
    return true;
  });
  const paramDecl = isObj(props['parameters']) ? props['parameters'] : {};
  const params = parametersCode(props['parameters'], `${path}.parameters`, dropped, use);
  const refs = props['policyDefinitions'];
  if (!Array.isArray(refs) || refs.length === 0) throw new ImportUnsupported('policyDefinitions must be a non-empty array', `${path}.policyDefinitions`);

  const controlImports = new Map<string, { variable: string; module: string }>();
  const taken = new Set<string>();
  let usesP = false;
  const members: Code[] = refs.map((ref, i) => {
    const mpath = `${path}.policyDefinitions[${i}]`;
    if (!isObj(ref)) throw new ImportUnsupported('a member must be an object', mpath);
    for (const k of Object.keys(ref)) {
      // Read-only fields a GET adds to a member (REST 2024-05-01 PolicyDefinitionReference): not kept.
      if (k === 'latestDefinitionVersion' || k === 'effectiveDefinitionVersion') {
        dropped.push(`${mpath}.${k}`);
        continue;
      }
      if (!['policyDefinitionId', 'policyDefinitionName', 'policyDefinitionReferenceId', 'parameters', 'groupNames', 'definitionVersion'].includes(k)) {
        throw new ImportUnsupported(`member property '${k}' is not supported`, `${mpath}.${k}`);
      }
    }
    if (Array.isArray(ref['groupNames']) && ref['groupNames'].length > 0) {
      throw new ImportUnsupported('member groupNames are not supported by the DSL', `${mpath}.groupNames`);
    }
    const target = memberTarget(ref, mpath);
    let targetCode: string;
    if (target.builtin) {
      const key = getBuiltinKey(target.name);
      if (key === undefined || getBuiltinPolicy(target.name) === undefined) {
        throw new ImportUnsupported(`built-in '${target.name}' is not in the built-in catalog (a deprecated or sovereign-cloud-only policy)`, `${mpath}.policyDefinitionId`);
      }
      use('builtin');
      targetCode = member('builtin', key);
    } else {
      const module = options.controlModule(target.name);
      if (module === undefined) {
        throw new ImportUnsupported(`custom member '${target.name}' is neither imported with this initiative nor a control of the project`, `${mpath}.policyDefinitionId`);
      }
      let imp = controlImports.get(module);
      if (!imp) {
        imp = { variable: variableName(target.name, taken), module };
        controlImports.set(module, imp);
      }
      targetCode = imp.variable;
    }
    const opts: Array<readonly [string, Code]> = [];
    if (target.builtin) {
      // The DSL asks which catalog control a built-in implements; an imported set names none, so the member is
      // filed under the imported initiative's name (as imported controls are under their own names).
      opts.push(['controlId', text(str(name))]);
      opts.push(['principle', text(str(options.principle))]);
    }
    if (typeof ref['policyDefinitionReferenceId'] === 'string') opts.push(['referenceId', text(str(ref['policyDefinitionReferenceId']))]);
    if (typeof ref['definitionVersion'] === 'string') opts.push(['definitionVersion', text(str(ref['definitionVersion']))]);
    const values = ref['parameters'];
    if (isObj(values) && Object.keys(values).length > 0) {
      opts.push([
        'parameters',
        object(Object.entries(values).map(([n, wrapped]) => {
          if (!isObj(wrapped) || !('value' in wrapped)) throw new ImportUnsupported(`member parameter '${n}' is not { "value": ... }`, `${mpath}.parameters.${n}`);
          const v = wrapped['value'];
          const m = typeof v === 'string' ? /^\[parameters\('([^']+)'\)\]$/.exec(v) : null;
          if (m && m[1] !== undefined && m[1] in paramDecl) {
            usesP = true;
            return [n, text(member('p', m[1]))] as const;
          }
          return [n, json(v)] as const;
        })),
      ]);
    }
    return opts.length === 0 ? call('member', text(targetCode)) : call('member', text(targetCode), object(opts));
  });
  imports.add('member');

  const entries: Array<readonly [string, Code]> = [
    ['name', text(str(name))],
    ['displayName', text(str(typeof props['displayName'] === 'string' ? props['displayName'] : name))],
    ['description', text(str(typeof props['description'] === 'string' ? props['description'] : ''))],
    ['version', text(str(version))],
    ['category', text(str(category))],
    ['unit', text(str(options.unit))],
    ['imported', text('true')],
  ];
  if (extraMeta.length > 0) entries.push(['metadata', object(extraMeta.map(([k, v]) => [k, json(v)] as const))]);
  // No derived principle/unit groups: the source's members carry no groups, and the set should say the same.
  entries.push(['groupBy', text('[]')]);
  if (params !== undefined) entries.push(['parameters', params]);
  entries.push(['members', arrow(usesP ? '({ p })' : '()', { t: 'array', items: members })]);

  const body = render(call('defineInitiative', object(entries)), '', 'export default '.length, 1);
  const dsl = [...imports].filter((i) => i !== 'builtin').sort();
  // One import line when the DSL and the catalog come from the same module (the 'ztpolicy' package).
  const sameModule = options.builtinModule === options.dslModule;
  const lines = [
    ...(imports.has('builtin') && !sameModule ? [`import { builtin } from ${str(options.builtinModule)};`] : []),
    `import { ${(imports.has('builtin') && sameModule ? ['builtin', ...dsl] : dsl).join(', ')} } from ${str(options.dslModule)};`,
    ...[...controlImports.values()].sort((a, b) => (a.module < b.module ? -1 : 1)).map((c) => `import ${c.variable} from ${str(c.module)};`),
  ];
  const header =
    `/**\n * Imported by \`ztpolicy import\` from ${options.origin.replace(/\*\//g, '*\\/')}.\n` +
    ` * Built-in members were given the principle '${options.principle}' and this initiative's name as controlId: review them.\n */\n`;
  return { text: `${lines.join('\n')}\n\n${header}export default ${body};\n`, dropped };
}
