/** `ztpolicy evaluate`: declaration (implementation and the --json schema in ../handlers/evaluate.ts). */
import { defineCommand } from '../command.js';
import type { ReportArgs } from '../output.js';

export interface EvaluateArgs extends ReportArgs {
  policy?: string[];
  resources?: string[];
  mg?: string;
  subscription?: string[];
  endpoint?: string;
  parameters?: string;
  exemptions?: string[];
  compareEffect?: string;
  apiVersion?: string;
  markdown?: boolean;
  expandChildren: boolean;
  maxFindings?: number;
  workers?: number;
  /** Hidden (tests, bench): resources per chunk. */
  chunkSize?: number;
  /** Hidden (tests, bench): stream-parse files larger than this many bytes. */
  streamAbove?: number;
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
      describe: 'Resource JSON file or folder: ARM documents, az resource list / az graph query output, of any size; repeatable',
    })
    .option('mg', { type: 'string', describe: 'Read the resources under this management group from Azure Resource Graph (instead of --resources)' })
    .option('subscription', { type: 'string', array: true, describe: 'Read the resources of these subscriptions from Azure Resource Graph (instead of --resources); repeatable' })
    .option('endpoint', { type: 'string', describe: 'ARM base URL for --mg/--subscription (sovereign clouds, local emulators); https only except loopback' })

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
    .option('compare-effect', { type: 'string', describe: 'Evaluate every control whose effect parameter allows it with this effect (e.g. Deny): what would break if you flipped them' })
    .option('api-version', {
      type: 'string',
      describe:
        "Evaluate each resource as a write (PUT) at this API version, e.g. 2024-07-01 (requestContext().apiVersion). Without it: a compliance scan, where Azure uses each type's latest API version, which ztpolicy does not know, so members that require an API version (ZT-VM-02's Modify) do not apply",
    })
    .option('max-findings', { type: 'number', describe: `Resources listed per policy definition (default 1000; 0: all); counts are always complete` })
    .option('workers', { type: 'number', describe: 'Worker threads for the evaluation (default: 0 for files read whole; for a streamed export (over 64 MiB) one per spare core, up to 3)' })
    .option('chunk-size', { type: 'number', hidden: true })
    .option('stream-above', { type: 'number', hidden: true })
    .option('json', { type: 'boolean', default: false, describe: 'Print the machine-readable report (schemaVersion 1) on stdout' })
    .option('markdown', { type: 'boolean', default: false, describe: 'Print a Markdown summary per control (for a pull-request comment)' })
    .example('$0 evaluate --policy generated --resources export/', 'Impact preview of every initiative on an export folder')
    .example('$0 evaluate --policy generated --mg contoso --compare-effect Deny --markdown', 'What would break under management group contoso if the controls were Deny')
    .example('$0 evaluate --policy generated/policySetDefinitions/zt-storage.json --resources st.json --json', 'Gate a pipeline on one initiative (st.json from az graph query -o json)')
    .epilogue(
      [
        'Resources: one ARM document, an array (az resource show --ids ...; plain az resource list omits properties), an az graph query result ({count, data}), an ARM list response ({value}), or a folder of them, of any size (files over 64 MiB are stream-parsed). Existence checks (auditIfNotExists/deployIfNotExists) are answered from the same resources.',
        '--mg / --subscription read the estate from Azure Resource Graph instead (resources of the types the policies apply to, with their resource groups and subscriptions), with the credential, endpoint and retries of plan/publish; Reader on the target is enough. Inline children (subnets, security rules, routes) are evaluated as resources; members whose existence check needs a type Resource Graph does not hold (diagnostic settings) are reported as not previewed.',
        'Initiatives resolve custom members from the same folder or the generated/ tree next to them, built-ins from the vendored catalog; [parameters(...)] member values come from --parameters or the initiative defaults.',
        '--json prints { schemaVersion: 1, summary: {policies, members, resources, evaluations, denied, audited, modified, appended, deployIfNotExists, auditIfNotExists, denyAction, manual, errors, problems}, policies: [{name, kind, displayName, file, counts, members: [{referenceId, definitionName, displayName, origin, effectOverride?, counts, findings: [{outcome, effect, resourceId, resourceType, file, jsonPath, details?, error?}], findingsOmitted?, notEvaluated?}]}], problems: [{file, jsonPath?, code, severity, message, hint?}] }.',
        'Exit codes: 0 nothing denied; 1 at least one resource would be denied; 2 usage error or an input that could not be used (reported per file with its JSON path; the rest is still evaluated); 3 Azure Resource Graph could not be read (--mg/--subscription: no sign-in, no access, throttled beyond the retries).',
      ].join('\n\n'),
    ),
  load: () => import('../handlers/evaluate.js'),
});
