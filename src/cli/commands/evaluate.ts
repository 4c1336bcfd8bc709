/** `ztpolicy evaluate`: declaration (implementation and the --json schema in ../handlers/evaluate.ts). */
import { defineCommand } from '../command.js';
import type { ReportArgs } from '../output.js';

export interface EvaluateArgs extends ReportArgs {
  policy?: string[];
  resources?: string[];
  parameters?: string;
  exemptions?: string[];
  expandChildren: boolean;
}

export const evaluate = defineCommand<EvaluateArgs>({
  command: 'evaluate',
  describe: 'Preview what policies would do to exported resources (denied, audited, modified, remediated)',
  builder: (y) =>
  y
    .option('policy', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'Policy definition / initiative JSON file or folder (e.g. generated/); repeatable',
    })
    .option('resources', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'Resource JSON file or folder: ARM documents, az resource list / az graph query output; repeatable',
    })
    .option('parameters', { type: 'string', describe: 'Assignment parameter values: { "name": { "value": ... } }' })
    .option('expand-children', {
      type: 'boolean',
      default: false,
      describe: 'Also evaluate subnets, NSG security rules and routes written inline in their parent as resources (as a compliance scan does)',
    })
    .option('exemptions', {
      type: 'string',
      array: true,
      describe: 'Exemption JSON file or folder (default: the policyExemptions/ folder of each --policy folder); covered findings are reported as exempted',
    })
    .option('json', { type: 'boolean', default: false, describe: 'Print the machine-readable report (schemaVersion 1) on stdout' })
    .example('$0 evaluate --policy generated --resources export/', 'Impact preview of every initiative on an export folder')
    .example('$0 evaluate --policy generated/policySetDefinitions/zt-storage.json --resources st.json --json', 'Gate a pipeline on one initiative (st.json from az graph query -o json)')
    .epilogue(
      [
        'Resources: one ARM document, an array (az resource show --ids ...; plain az resource list omits properties), an az graph query result ({count, data}), an ARM list response ({value}), or a folder of them. Existence checks (auditIfNotExists/deployIfNotExists) are answered from the same resources.',
        'Initiatives resolve custom members from the same folder or the generated/ tree next to them, built-ins from the vendored catalog; [parameters(...)] member values come from --parameters or the initiative defaults.',
        '--json prints { schemaVersion: 1, summary: {policies, members, resources, evaluations, denied, audited, modified, appended, deployIfNotExists, auditIfNotExists, denyAction, manual, errors, problems}, policies: [{name, kind, displayName, file, counts, members: [{referenceId, definitionName, displayName, origin, findings: [{outcome, effect, resourceId, resourceType, file, jsonPath, details?, error?}]}]}], problems: [{file, jsonPath?, code, severity, message, hint?}] }.',
        'Exit codes: 0 nothing denied; 1 at least one resource would be denied; 2 usage error or an input that could not be used (reported per file with its JSON path; the rest is still evaluated).',
      ].join('\n\n'),
    ),
  load: () => import('../handlers/evaluate.js'),
});
