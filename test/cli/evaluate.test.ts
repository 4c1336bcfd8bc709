/**
 * `ztpolicy evaluate` end to end (the real CLI in a child process) on the realistic export in
 * test/fixtures/exports/: which resources each policy would deny, audit or remediate, the --json shape, the
 * exit codes, and bad input reported per file while the run goes on.
 *
 * Expected findings come from the documented intent of each control (zero-trust-controls.md) and of the
 * built-ins it references, applied to how the fixture resources were built (make-export.ts): e.g.
 * `stlegacytls10` accepts TLS 1.0, so ZT-STG-02 denies it.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/compiler/canonical-json.js';
import { compileControl, isControl } from '../../src/compiler/compile-control.js';
import { compileInitiative } from '../../src/compiler/compile-initiative.js';
import { normaliseExportedResource, type EvaluateReport, type Outcome } from '../../src/cli/handlers/evaluate.js';
import { main } from '../../src/cli/main.js';
import { repoRoot, runCli, type CliRun } from '../helpers/cli.js';

const exportsDir = join(repoRoot, 'test/fixtures/exports');
const estate = join(exportsDir, 'estate');
let tmp: string;
let generated: string;
let paramsFile: string;

/** Builds a generated/ tree (policyDefinitions/<unit>/<name>.json, policySetDefinitions/<name>.json) from the sources. */
async function buildTree(out: string): Promise<void> {
  for (const unit of readdirSync(join(repoRoot, 'definitions'))) {
    for (const f of readdirSync(join(repoRoot, 'definitions', unit)).filter((x) => x.endsWith('.ts'))) {
      const mod = (await import(pathToFileURL(join(repoRoot, 'definitions', unit, f)).href)) as { default: unknown };
      if (!isControl(mod.default)) continue;
      const { document } = compileControl(mod.default);
      mkdirSync(join(out, 'policyDefinitions', unit), { recursive: true });
      writeFileSync(join(out, 'policyDefinitions', unit, `${document.name}.json`), canonicalJson(document));
    }
  }
  mkdirSync(join(out, 'policySetDefinitions'), { recursive: true });
  for (const f of readdirSync(join(repoRoot, 'initiatives')).filter((x) => x.endsWith('.ts'))) {
    const mod = (await import(pathToFileURL(join(repoRoot, 'initiatives', f)).href)) as { default: Parameters<typeof compileInitiative>[0] };
    const { document } = compileInitiative(mod.default);
    writeFileSync(join(out, 'policySetDefinitions', `${document.name}.json`), canonicalJson(document));
  }
  writeFileSync(join(out, 'manifest.json'), canonicalJson({ schemaVersion: 1, definitions: [], initiatives: [] }));
}

const lastSegment = (id: string) => id.split('/').pop() ?? id;

/** Names of the resources a member acted on with this outcome; undefined when the member is not in the report. */
function acted(report: EvaluateReport, initiative: string, member: string, outcome: Outcome): string[] | undefined {
  const p = report.policies.find((x) => x.name === initiative);
  const m = p?.members.find((x) => x.definitionName === member || x.referenceId === member);
  return m?.findings.filter((f) => f.outcome === outcome).map((f) => lastSegment(f.resourceId)).sort();
}

function allWith(report: EvaluateReport, outcome: Outcome): Set<string> {
  return new Set(report.policies.flatMap((p) => p.members.flatMap((m) => m.findings.filter((f) => f.outcome === outcome).map((f) => lastSegment(f.resourceId)))));
}

// Resources make-export.ts builds hardened: no Zero Trust control may deny them.
const HARDENED = [
  'stztcompliant01',
  'stztcompliant02',
  'vm-app-01',
  'vm-app-02',
  'vm-app-01-nic',
  'vm-app-02-nic',
  'nsg-snet-app',
  'vnet-spoke-01',
  'vnet-hub-weu',
  'rt-spoke-01',
  'afw-hub-weu',
  'afwp-hub-weu',
  'pip-afw-hub-weu',
  'kv-zt-prod',
  'agw-spoke-01',
  'wafp-spoke-01',
  'des-zt-prod',
  'pe-stztcompliant01-blob',
];
const SUBSCRIPTION = '7d3f2c1a-5b6e-4f80-9a1b-2c3d4e5f6a7b';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'zt-evaluate-cli-'));
  generated = join(tmp, 'generated');
  await buildTree(generated);
  paramsFile = join(tmp, 'params.json');
  writeFileSync(
    paramsFile,
    JSON.stringify({
      logAnalyticsWorkspaceId: { value: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-management/providers/Microsoft.OperationalInsights/workspaces/law-central` },
      // zt-storage (ZT-STG-15): the hub's private DNS zones, required parameters without defaults.
      privateDnsZoneIdBlob: { value: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net` },
      privateDnsZoneIdFile: { value: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.file.core.windows.net` },
      // zt-vm (ZT-VM-09): the estate's approved disk encryption set (make-export.ts: des-zt-prod).
      allowedEncryptionSets: { value: [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-security/providers/Microsoft.Compute/diskEncryptionSets/des-zt-prod`] },
      securityContactEmails: { value: 'soc@contoso.com' },
      mdcExportResourceGroupLocation: { value: 'westeurope' },
      // Assignment facts of the network units (zero-trust-controls.md §6) that have no default.
      logAnalyticsWorkspaceGuid: { value: '00000000-0000-0000-0000-00000000a1a1' },
      logAnalyticsWorkspaceRegion: { value: 'westeurope' },
      flowLogRegion: { value: 'westeurope' },
      flowLogStorageAccountId: { value: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-management/providers/Microsoft.Storage/storageAccounts/stflowlogsweu` },
      networkWatcherName: { value: 'NetworkWatcher_westeurope' },
      firewallPrivateIps: { value: ['10.0.1.4'] },
      spokeAddressPrefixes: { value: ['10.1.0.0/16', '10.2.0.0/16'] },
      ddosPlanId: { value: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-hub-network/providers/Microsoft.Network/ddosProtectionPlans/ddos-zt` },
    }),
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Two runs go through the real CLI in child processes (started together: each spends most of its time starting
// tsx on a 2-core CI machine); the other cases call the same entry point, main(), in-process.
let runs: { full: CliRun; initiativeText: CliRun };
const stg02 = () => join(generated, 'policyDefinitions/storage/zt-stg-02-minimum-tls.json');

async function inProcess(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  const [full, initiativeText] = await Promise.all([
    runCli(['evaluate', '--policy', generated, '--resources', estate, '--parameters', paramsFile, '--json']),
    runCli(['evaluate', '--policy', join(generated, 'policySetDefinitions/zt-storage.json'), '--resources', estate]),
  ]);
  runs = { full, initiativeText };
}, 240_000);

describe('ztpolicy evaluate on a realistic export', () => {
  let report: EvaluateReport;
  let code: number;

  beforeAll(() => {
    code = runs.full.code;
    report = JSON.parse(runs.full.stdout) as EvaluateReport;
  });

  it('exits 1 because resources would be denied, and reports no input problem for a clean export', () => {
    expect(code).toBe(1);
    expect(report.problems).toEqual([]);
  });

  it('has the documented --json shape', () => {
    expect(report.schemaVersion).toBe(1);
    expect(Object.keys(report.summary).sort()).toEqual(
      ['appended', 'auditIfNotExists', 'audited', 'denied', 'denyAction', 'deployIfNotExists', 'errors', 'evaluations', 'exempted', 'manual', 'members', 'modified', 'policies', 'problems', 'resources'].sort(),
    );
    expect(report.summary.resources).toBeGreaterThanOrEqual(50);
    const initiative = report.policies.find((p) => p.name === 'zt-storage');
    expect(initiative).toMatchObject({ kind: 'initiative', displayName: expect.any(String), file: expect.stringContaining('zt-storage.json') });
    const finding = report.policies.flatMap((p) => p.members.flatMap((m) => m.findings))[0];
    expect(finding).toMatchObject({ outcome: expect.any(String), effect: expect.any(String), resourceId: expect.stringMatching(/^\/subscriptions\//), resourceType: expect.any(String), file: expect.any(String), jsonPath: expect.stringMatching(/^\$/) });
    // Every control appears inside an initiative, so none is reported a second time on its own.
    expect(report.policies.filter((p) => p.kind === 'definition')).toEqual([]);
  });

  it('denies what each storage control says it denies', () => {
    expect(acted(report, 'zt-storage', 'zt-stg-02-minimum-tls', 'denied')).toEqual(['stlegacytls10', 'stnotlsfloor']);
    // Built-in 404c3081: supportsHttpsTrafficOnly false.
    expect(acted(report, 'zt-storage', '404c3081-a854-4457-ae30-26a93ef643f9', 'denied')).toEqual(['sthttpallowed']);
    // Built-in 8c6a50c6: allowSharedKeyAccess missing or true; ZT-STG-06 is Audit→Deny, so zt-storage audits by default.
    expect(acted(report, 'zt-storage', '8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54', 'audited')).toEqual(['stsharedkey']);
    expect(acted(report, 'zt-storage', '8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54', 'denied')).toEqual([]);
    // Custom ZT-STG-03/04: the legacy account's file service accepts SMB 2.1 and AES-128-CCM.
    expect(acted(report, 'zt-storage', 'zt-stg-03-smb-3-only', 'denied')).toEqual(['default']);
    expect(acted(report, 'zt-storage', 'zt-stg-04-smb-channel-encryption', 'denied')).toEqual(['default']);
    // Custom ZT-STG-07: allowedCopyScope missing.
    expect(acted(report, 'zt-storage', 'zt-stg-07-copy-scope', 'denied')).toEqual(['stcopyanywhere']);
  });

  it('denies the NIC with a public IP, audits VMs without encryption at host, denies subnets without NSG and the Standard firewall', () => {
    expect(acted(report, 'zt-vm', 'zt-vm-13-no-public-ip-on-nic', 'denied')).toEqual(['vm-legacy-01-nic']);
    // ZT-VM-10 is Audit→Deny (ztVm10Effect default Audit): the VMs without encryption at host are audited.
    expect(acted(report, 'zt-vm', 'fc4d8e41-e223-45ea-9bf5-eada37891d87', 'audited')).toEqual(['vm-legacy-01', 'vm-nosecureboot']);
    // ZT-VM-04: vm-legacy-01 has no security profile (a Standard VM); ZT-VM-05 (Linux half): vm-nosecureboot.
    expect(acted(report, 'zt-vm', 'zt-vm-04-trusted-launch', 'denied')).toEqual(['vm-legacy-01']);
    expect(acted(report, 'zt-vm', 'zt-vm-05-secure-boot-linux', 'audited')).toEqual(['vm-nosecureboot']);
    // vnet-spoke-02 has snet-db without NSG; snet-nonsg is a subnet resource without NSG (children.json).
    // vnet-hub-weu's GatewaySubnet and AzureFirewallSubnet have none either, but they are excluded by default.
    expect(acted(report, 'zt-spoke-vnet', 'zt-spk-02-subnet-nsg', 'denied')).toEqual(['snet-nonsg', 'vnet-spoke-02']);
    expect(acted(report, 'zt-hub-vnet', 'zt-hub-01-firewall-premium', 'denied')).toEqual(['afw-legacy']);
  });

  it('remediates the subscription whose Defender for Key Vault plan is Free and whose activity log goes elsewhere', () => {
    // Built-in 1f725891 (ZT-MDC-04): KeyVaults is Free in defender-pricings.json.
    expect(acted(report, 'zt-defender', '1f725891-01c0-420a-9059-4fa46cb770b7', 'deployIfNotExists')).toEqual([SUBSCRIPTION]);
    // Built-in b7021b2b (ZT-MDC-05): Arm is Standard PerApiCall, as the control demands: nothing to do.
    expect(acted(report, 'zt-defender', 'b7021b2b-08fd-4dc0-9de7-3c6ece09faf9', 'deployIfNotExists')).toEqual([]);
    // Built-in 2465583e (ZT-MON-01): the only subscription diagnostic setting sends to the app team's workspace.
    expect(acted(report, 'zt-defender', '2465583e-4e78-4c15-b6be-a36cbc7c8b0f', 'deployIfNotExists')).toEqual([SUBSCRIPTION]);
  });

  it('never denies a hardened resource', () => {
    const denied = allWith(report, 'denied');
    expect(HARDENED.filter((n) => denied.has(n))).toEqual([]);
  });

  it('counts what hand-written policies do to the export, outcome by outcome', async () => {
    // Two definitions written here (not the controls, which change as content grows), each acting on storage accounts
    // the fixture is known to hold: TLS below 1.2 or unset (stlegacytls10, stnotlsfloor) and HTTP allowed
    // (sthttpallowed). The summary must count exactly those, independently of how the report builder counts.
    const dir = join(tmp, 'counted');
    mkdirSync(dir, { recursive: true });
    const storage = { field: 'type', equals: 'Microsoft.Storage/storageAccounts' };
    const definition = (name: string, condition: unknown, effect: string) => ({ name, properties: { mode: 'Indexed', policyRule: { if: { allOf: [storage, condition] }, then: { effect } } } });
    writeFileSync(join(dir, 'tls.json'), JSON.stringify(definition('count-tls', { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', notEquals: 'TLS1_2' }, 'Deny')));
    writeFileSync(join(dir, 'http.json'), JSON.stringify(definition('count-http', { field: 'Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly', equals: false }, 'Audit')));
    const counted = JSON.parse((await inProcess(['evaluate', '--policy', dir, '--resources', estate, '--json'])).stdout) as EvaluateReport;
    expect(counted.summary).toMatchObject({ policies: 2, members: 2, denied: 2, audited: 1, modified: 0, appended: 0, deployIfNotExists: 0, auditIfNotExists: 0, denyAction: 0, manual: 0, errors: 0, problems: 0 });
    expect(acted(counted, 'count-tls', 'count-tls', 'denied')).toEqual(['stlegacytls10', 'stnotlsfloor']);
    expect(acted(counted, 'count-http', 'count-http', 'audited')).toEqual(['sthttpallowed']);
  });
});

describe('ztpolicy evaluate inputs and exit codes', () => {
  it('prints a readable preview for an initiative passed alone (members found next to it) with a summary', () => {
    const run = runs.initiativeText;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^initiative zt-storage: /m);
    expect(run.stdout).toMatch(/^ {4}deny +\/subscriptions\/.*\/storageAccounts\/stlegacytls10$/m);
    expect(run.stdout).toMatch(/^summary: 1 policy \(\d+ definitions\) x \d+ resources: 11 denied/m);
  });

  it('reads an az graph query result (lower-cased types) like an ARM export', async () => {
    const run = await inProcess(['evaluate', '--policy', stg02(), '--resources', join(exportsDir, 'graph/storage-accounts.json'), '--json']);
    const report = JSON.parse(run.stdout) as EvaluateReport;
    expect(run.code).toBe(1);
    expect(report.policies[0]?.members[0]?.findings.map((f) => [lastSegment(f.resourceId), f.jsonPath])).toEqual([
      ['stlegacytls10', '$.data[2]'],
      ['stnotlsfloor', '$.data[3]'],
    ]);
  });

  it('reports each bad file (and array element) with its path and still evaluates the good resources', async () => {
    const run = await inProcess(['evaluate', '--policy', stg02(), '--resources', join(exportsDir, 'bad'), '--json']);
    const report = JSON.parse(run.stdout) as EvaluateReport;
    const problems = report.problems.map((p) => [p.file.replace(/^.*\/bad\//, ''), p.jsonPath ?? null, p.code]);
    expect(problems).toEqual([
      ['mixed.json', '$[1]', 'ZT7004'],
      ['mixed.json', '$[2]', 'ZT7005'],
      ['table-output.json', null, 'ZT7002'],
      ['truncated.json', null, 'ZT7002'],
    ]);
    // The valid first element of mixed.json (TLS 1.1) is still denied: deny wins the exit code.
    expect(report.policies[0]?.members[0]?.findings.map((f) => lastSegment(f.resourceId))).toEqual(['stbadmixtls11']);
    expect(run.code).toBe(1);
  });

  it('exits 2 when nothing is denied but an input could not be used, and 0 when all is clean', async () => {
    const audit = join(tmp, 'audit.json');
    writeFileSync(audit, JSON.stringify({ effect: { value: 'Audit' } }));
    const bad = await inProcess(['evaluate', '--policy', stg02(), '--resources', join(exportsDir, 'bad'), '--parameters', audit]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/bad\/truncated\.json: error ZT7002: invalid JSON/);
    expect(bad.stdout).toMatch(/audit +\/subscriptions\/.*stbadmixtls11/);
    const clean = await inProcess(['evaluate', '--policy', stg02(), '--resources', join(estate, 'children.json')]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/no resource affected/);
  });

  it('warns once per file when exported resources carry no properties (plain az resource list), and still evaluates them', async () => {
    const listOnly = join(tmp, 'az-resource-list-without-properties.json');
    const doc = (name: string) => ({ id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`, name, type: 'Microsoft.Storage/storageAccounts', location: 'westeurope', properties: null, identity: null });
    writeFileSync(listOnly, JSON.stringify([doc('sta'), doc('stb'), doc('stc')]));
    const run = await inProcess(['evaluate', '--policy', stg02(), '--resources', listOnly, '--json']);
    const report = JSON.parse(run.stdout) as EvaluateReport;
    expect(report.problems.map((p) => [p.code, p.severity, p.jsonPath])).toEqual([['ZT7008', 'warning', '$[0]']]);
    expect(report.problems[0]?.message).toMatch(/^3 resources/);
    // Without properties the TLS floor is missing, so ZT-STG-02 denies all three: the warning explains why.
    expect(report.summary.denied).toBe(3);
    expect(run.code).toBe(1);
  });

  it('--expand-children evaluates inline subnets as subnet resources, as a compliance scan would', async () => {
    const spk02 = join(generated, 'policyDefinitions/spoke-vnet/zt-spk-02-subnet-nsg.json');
    const plain = JSON.parse((await inProcess(['evaluate', '--policy', spk02, '--resources', estate, '--json'])).stdout) as EvaluateReport;
    const expanded = JSON.parse((await inProcess(['evaluate', '--policy', spk02, '--resources', estate, '--json', '--expand-children'])).stdout) as EvaluateReport;
    const names = (r: EvaluateReport) => r.policies[0]?.members[0]?.findings.map((f) => lastSegment(f.resourceId)).sort();
    expect(names(plain)).toEqual(['snet-nonsg', 'vnet-spoke-02']);
    // vnet-spoke-02's inline snet-db has no NSG; the hub's GatewaySubnet and AzureFirewallSubnet are excluded.
    expect(names(expanded)).toEqual(['snet-db', 'snet-nonsg', 'vnet-spoke-02']);
    const snetDb = expanded.policies[0]?.members[0]?.findings.find((f) => f.resourceId.endsWith('/snet-db'));
    expect(snetDb).toMatchObject({ resourceType: 'Microsoft.Network/virtualNetworks/subnets', jsonPath: expect.stringMatching(/^\$\[\d+\]\.properties\.subnets\[1\]$/) });
  });

  it('evaluates every generated definition on a folder of single ARM documents (test/fixtures/resources)', async () => {
    // ZT-MDC-09 declares emailSecurityContact without a default: Azure refuses an assignment without it, so pass one.
    const defParams = join(tmp, 'definition-params.json');
    // ZT-HUB-11/12 need the hub facts (firewall IPs, spoke prefixes), which have no default either.
    writeFileSync(
      defParams,
      JSON.stringify({
        emailSecurityContact: { value: 'soc@contoso.com' },
        firewallPrivateIps: { value: ['10.0.1.4'] },
        spokeAddressPrefixes: { value: ['10.1.0.0/16', '10.2.0.0/16'] },
      }),
    );
    const run = await inProcess(['evaluate', '--policy', join(generated, 'policyDefinitions'), '--resources', join(repoRoot, 'test/fixtures/resources'), '--parameters', defParams, '--json']);
    const report = JSON.parse(run.stdout) as EvaluateReport;
    const denied = (name: string) =>
      report.policies
        .find((p) => p.name === name)
        ?.members[0]?.findings.filter((f) => f.outcome === 'denied')
        .map((f) => `${f.file.replace(/^.*test\/fixtures\/resources\//, '')}`)
        .sort();
    expect(report.problems).toEqual([]);
    expect(report.policies.every((p) => p.kind === 'definition')).toBe(true);
    expect(denied('zt-stg-02-minimum-tls')).toEqual(['Microsoft.Storage/storageAccounts/no-tls-floor.json', 'Microsoft.Storage/storageAccounts/tls1_0.json']);
    expect(denied('zt-vm-13-no-public-ip-on-nic')).toEqual(['Microsoft.Network/networkInterfaces/public-ip.json']);
    expect(denied('zt-spk-02-subnet-nsg')).toEqual(['Microsoft.Network/virtualNetworks/subnet-without-nsg.json', 'Microsoft.Network/virtualNetworks/subnets/without-nsg.json']);
    expect(denied('zt-hub-01-firewall-premium')).toEqual(['Microsoft.Network/azureFirewalls/standard.json']);
    const allDenied = report.policies.flatMap((p) => p.members.flatMap((m) => m.findings.filter((f) => f.outcome === 'denied').map((f) => f.file)));
    expect(allDenied.filter((f) => f.endsWith('/compliant.json'))).toEqual([]);
    expect(run.code).toBe(1);
  });

  it('reports a definition whose required parameter has no value as a per-policy problem (ZT5007), even with no candidate resource', async () => {
    // Azure refuses an assignment that leaves a parameter without defaultValue unset (semantics note §2); the
    // fixtures hold no subscription, so no resource would ever have made the rule read emailSecurityContact.
    const mdc09 = join(generated, 'policyDefinitions/defender/zt-mdc-09-security-contacts.json');
    const run = await inProcess(['evaluate', '--policy', join(generated, 'policyDefinitions'), '--resources', join(repoRoot, 'test/fixtures/resources'), '--json']);
    const report = JSON.parse(run.stdout) as EvaluateReport;
    const hub = (name: string) => join(generated, `policyDefinitions/hub-vnet/${name}.json`);
    expect(report.problems.map((p) => [p.file, p.code, p.severity]).sort()).toEqual(
      [
        [mdc09, 'ZT5007', 'error'],
        [hub('zt-hub-11-gateway-routes-to-firewall'), 'ZT5007', 'error'],
        [hub('zt-hub-12-spoke-default-route-to-firewall'), 'ZT5007', 'error'],
      ].sort(),
    );
    const mdc = report.problems.find((p) => p.file === mdc09);
    expect(mdc?.message).toMatch(/zt-mdc-09-security-contacts.*'emailSecurityContact'/);
    expect(mdc?.hint).toMatch(/defaultValue/);
    // The other policies still run: the denies decide the exit code.
    expect(report.summary.denied).toBeGreaterThan(0);
    expect(run.code).toBe(1);
  });

  it('exits 2 on usage errors: missing options, no policy at the path, unreadable parameters file', async () => {
    const none = await inProcess(['evaluate', '--resources', estate]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--policy/);
    const missing = await inProcess(['evaluate', '--policy', join(tmp, 'nope'), '--resources', estate]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no policy definition or initiative found/);
    const params = await inProcess(['evaluate', '--policy', stg02(), '--resources', estate, '--parameters', join(tmp, 'missing-params.json')]);
    expect(params.code).toBe(2);
    expect(params.stderr).toMatch(/parameters file/);
    // One source of resources, one output format, sensible numbers: refused before anything is read.
    const sources = await inProcess(['evaluate', '--policy', stg02(), '--resources', estate, '--mg', 'root']);
    expect([sources.code, sources.stderr]).toEqual([2, expect.stringMatching(/one source of resources; got --resources and --mg/)]);
    const noSource = await inProcess(['evaluate', '--policy', stg02()]);
    expect([noSource.code, noSource.stderr]).toEqual([2, expect.stringMatching(/needs --resources, --mg or --subscription/)]);
    const formats = await inProcess(['evaluate', '--policy', stg02(), '--resources', estate, '--json', '--markdown']);
    expect([formats.code, formats.stderr]).toEqual([2, expect.stringMatching(/one of --json and --markdown/)]);
    const cap = await inProcess(['evaluate', '--policy', stg02(), '--resources', estate, '--max-findings', '-1']);
    expect([cap.code, cap.stderr]).toEqual([2, expect.stringMatching(/--max-findings must be a whole number/)]);
  });

  it('streams a file and evaluates on a worker thread with the same report as reading it whole (hidden --stream-above, --chunk-size)', async () => {
    const whole = await inProcess(['evaluate', '--policy', stg02(), '--resources', estate, '--json', '--workers', '0']);
    const streamed = await inProcess(['evaluate', '--policy', stg02(), '--resources', estate, '--json', '--workers', '1', '--stream-above', '0', '--chunk-size', '4']);
    expect(streamed.code).toBe(whole.code);
    expect(JSON.parse(streamed.stdout)).toEqual(JSON.parse(whole.stdout));
  }, 60_000);
});

describe('normaliseExportedResource', () => {
  it('drops the envelope fields az CLI prints as null (or Resource Graph as "") where ARM GET omits them', () => {
    const exported = { id: '/x', name: 'x', type: 'Microsoft.Storage/storageAccounts', identity: null, kind: '', managedBy: '', plan: null, sku: { name: 'Standard_LRS' }, location: '', tags: null, properties: {}, resourceGroup: 'rg' };
    const doc = normaliseExportedResource(exported);
    expect(doc).toEqual({ id: '/x', name: 'x', type: 'Microsoft.Storage/storageAccounts', sku: { name: 'Standard_LRS' }, location: '', properties: {}, resourceGroup: 'rg' });
    expect(exported.identity).toBeNull();
  });
});
