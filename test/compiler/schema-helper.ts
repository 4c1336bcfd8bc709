/**
 * The official policy rule schema (draft-04), read straight from ../shared (CI has it next to the repo) with
 * the two schemas it references, so these tests check the compiler against Azure's schema and not against our
 * vendored copy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';

// ajv-draft-04 is CommonJS with `exports.default = Ajv`: under NodeNext the default import is the module object.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as typeof AjvModule.default;
import { repoRoot } from '../helpers/cli.js';

const schemas = join(repoRoot, '..', 'shared', 'azure', 'schemas');
const read = (...p: string[]): object => JSON.parse(readFileSync(join(schemas, ...p), 'utf8')) as object;

let validateRule: ValidateFunction | undefined;

/** Validates a policyRule ({ if, then }) against 2020-10-01/policyDefinition.json; returns the errors. */
export function policyRuleSchemaErrors(rule: unknown): string[] {
  if (!validateRule) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    ajv.addSchema(read('common', 'definitions.json'));
    ajv.addSchema(read('2018-05-01', 'Microsoft.Resources.Deployments.json'));
    validateRule = ajv.compile(read('2020-10-01', 'policyDefinition.json'));
  }
  const validate = validateRule;
  if (validate(rule)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message ?? ''}`);
}
