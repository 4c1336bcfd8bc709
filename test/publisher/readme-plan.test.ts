/**
 * The plan a reviewer sees, made for real: the repo's own generated/ and ztpolicy.config.json published to the ARM
 * emulator through the real SDK clients, then a realistic pull request (Defender for Containers switched on for a
 * new AKS workload, in the config's plans and the ZT-MDC-07 effect together, and control ZT-VM-13 retired from the
 * sources), planned and rendered with the real renderer. The
 * README shows this output; set README_PLAN=1 to print it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/io/paths.js';
import { renderText } from '../../src/publisher/render.js';
import { applySession, planSession } from '../../src/publisher/session.js';
import { azureLikeHierarchy, type ArmEmulator } from '../emulator/index.js';
import { emulator, session, workspace, type Workspace } from './helpers.js';

const RETIRED = 'zt-vm-13-no-public-ip-on-nic';

let emu: ArmEmulator;
let ws: Workspace;
beforeAll(async () => {
  // Seeded as Azure has it: no group called root, `--mg root` is the Tenant Root Group (issue 8.1).
  emu = await emulator({ hierarchy: azureLikeHierarchy() });
  ws = workspace(packageRoot());
});
afterAll(async () => {
  await emu.close();
  ws.remove();
});

describe('the README plan', () => {
  it('publishes the repo content, then plans a realistic change as a reviewer sees it', async () => {
    const first = await session(emu, ws);
    const { plan: initial } = await planSession(first, 'readme1');
    expect(initial.blockers).toEqual([]);
    await applySession(first, initial);
    expect((await planSession(await session(emu, ws))).plan.hasChanges).toBe(false);

    // The pull request: Containers on (the direct write and the policy member, so they agree), and ZT-VM-13
    // removed from the sources (as `npm run build` would emit it).
    ws.editJson('ztpolicy.config.json', (c) => {
      c.defender = { plans: { Containers: { tier: 'Standard' } } };
      c.assignments[0].parameters.ztMdc07Effect = 'DeployIfNotExists';
    });
    ws.editJson('generated/manifest.json', (m) => {
      m.definitions = m.definitions.filter((d: { name: string }) => d.name !== RETIRED);
    });
    for (const set of ['zt-vm', 'zt-zero-trust']) {
      ws.editJson(`generated/policySetDefinitions/${set}.json`, (s) => {
        s.properties.policyDefinitions = s.properties.policyDefinitions.filter((r: { policyDefinitionReferenceId: string }) => r.policyDefinitionReferenceId !== RETIRED);
      });
    }
    emu.resetRequests();
    const { plan } = await planSession(await session(emu, ws));
    expect(emu.writes()).toHaveLength(0);
    const text = renderText(plan);
    if (process.env.README_PLAN) process.stdout.write(`\n----- README plan -----\n${text}----- end -----\n`);

    // What the reviewer must be able to read off the plan (independent of the renderer: the edits above).
    expect(text).toMatch(
      /^Plan for management group 'root' = Tenant Root Group '00000000-0000-4000-8000-0000000a2e00' \(tenant 00000000-0000-4000-8000-0000000a2e00\), owner 'contoso\/platform-policies'\n/,
    );
    expect(text).toContain(`  - delete ${RETIRED}  [owned by this repo and no longer generated (or replaced by a new version)]`);
    // The set diff names the retired member instead of two truncated arrays.
    for (const set of ['zt-vm', 'zt-zero-trust']) {
      expect(text).toMatch(new RegExp(`~ update ${set}\\n(?: {6}.*\\n)* {6}\\$\\.policyDefinitions\\['${RETIRED}'\\]: member removed\\n`));
    }
    expect(text).not.toMatch(/\$\.policyDefinitions: \[/);
    const subs = [...new Set(plan.items.flatMap((i) => (i.kind === 'pricing' ? [i.subscriptionId] : [])))];
    expect(subs.length).toBeGreaterThan(0);
    // The renderer groups a change shared by several subscriptions; --verbose lists each subscription.
    expect(text).toContain(`  ~ update Containers on ${subs.length} subscriptions\n      $.pricingTier: "Free" -> "Standard"\n`);
    const verbose = renderText(plan, { verbose: true });
    for (const sub of subs) expect(verbose).toContain(`  ~ update Containers on subscription ${sub}\n      $.pricingTier: "Free" -> "Standard"\n`);
    expect(text).toMatch(/~ update zt-zero-trust\n(?: {6}.*\n)* {6}\$\.parameters\.ztMdc07Effect: .*"DeployIfNotExists"/);
    expect(plan.warnings.filter((w) => w.code === 'ZT8108')).toEqual([]);
    expect(plan.summary).toMatchObject({ create: 0, update: 2 + 1 + subs.length, delete: 1 });
    expect(text).toMatch(/\nPlan: 0 to create, \d+ to update, 1 to delete, \d+ unchanged\.\n$/);
  });
});
