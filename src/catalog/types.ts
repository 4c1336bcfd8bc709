/**
 * Contracts of the typed catalogs (generated from ../shared/azure by src/catalog/generate.ts).
 * The DSL types initiatives and aliases from these; the evaluator and publisher read the runtime data.
 */
import type { ParameterType } from '../model.js';

/** A built-in parameter as the typed catalog describes it. */
export interface BuiltinParameter {
  readonly type: ParameterType;
  readonly allowedValues?: readonly (string | number | boolean)[];
  readonly hasDefault: boolean;
  readonly displayName?: string;
}

/**
 * A typed reference to a built-in policy definition. `P` maps each parameter name to its description, so an
 * initiative that passes a parameter the built-in does not declare, or a value outside allowedValues, does not
 * compile.
 */
export interface BuiltinPolicy<P extends Readonly<Record<string, BuiltinParameter>> = Readonly<Record<string, BuiltinParameter>>> {
  readonly kind: 'builtin-policy';
  /** The GUID (the definition's name). */
  readonly name: string;
  /** /providers/Microsoft.Authorization/policyDefinitions/<guid> */
  readonly id: string;
  readonly displayName: string;
  readonly version: string;
  readonly category: string;
  readonly mode: string;
  readonly deprecated: boolean;
  readonly preview: boolean;
  /** Effects the built-in's effect parameter allows (or its fixed effect), lower-case. */
  readonly effects: readonly string[];
  /** Full role definition ids its deployIfNotExists/modify details declare. */
  readonly roleDefinitionIds: readonly string[];
  readonly parameters: P;
}

/** Maps a built-in parameter description to the TypeScript type of the value an initiative may pass. */
export type BuiltinParameterValue<T extends BuiltinParameter> = T['allowedValues'] extends readonly (infer V)[]
  ? T['type'] extends 'Array'
    ? // An Array parameter with allowedValues takes an array whose every element is one of them.
      readonly V[] | `[${string}]`
    : V | `[${string}]`
  : T['type'] extends 'String' | 'DateTime'
    ? string
    : T['type'] extends 'Integer' | 'Float'
      ? number | `[${string}]`
      : T['type'] extends 'Boolean'
        ? boolean | `[${string}]`
        : T['type'] extends 'Array'
          ? readonly unknown[] | `[${string}]`
          : Readonly<Record<string, unknown>> | `[${string}]`;

/** One alias as the runtime catalog holds it (from aliases-by-resource-type.csv or a Get-AzPolicyAlias dump). */
export interface AliasEntry {
  /** Canonical name, e.g. Microsoft.Storage/storageAccounts/minimumTlsVersion */
  readonly name: string;
  /** Path inside the resource document relative to `properties`' parent, e.g. properties.minimumTlsVersion */
  readonly defaultPath: string;
  /** Per api-version paths when the source has them (Get-AzPolicyAlias shape). */
  readonly paths?: readonly { readonly path: string; readonly apiVersions: readonly string[] }[];
}
