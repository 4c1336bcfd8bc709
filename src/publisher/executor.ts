/**
 * Applies a plan: writes in dependency tiers (definitions -> sets -> assignments -> role assignments and
 * exemptions side by side -> remediations, with Defender pricings in parallel since nothing depends on them), then
 * deletes in reverse
 * (role assignments and assignments -> sets -> definitions). Parallel within a tier under a concurrency cap. A tier
 * with a failure stops the run after its in-flight writes settle, and the error names every failed object with its
 * ARM code: a half-applied tier is never reported as success. Every write is an idempotent PUT/DELETE with a
 * deterministic name, so re-running after a crash converges.
 */
import { isRestError } from '@azure/core-rest-pipeline';
import { AzureError, BadInputError } from '../errors.js';
import type { AzureGateway } from './gateway.js';
import { assignmentScope, roleAssignmentName } from './naming.js';
import { pool } from './pool.js';
import { DEFAULT_SCALE_LIMITS, type ScaleLimits } from './pricings.js';
import type { Progress, ProgressTask } from './types.js';
import {
  roleAssignmentDescription,
  type AssignmentItem,
  type DefinitionItem,
  type ExemptionItem,
  type Plan,
  type PlanItem,
  type PricingItem,
  type RemediationItem,
  type RoleAssignmentItem,
} from './planner.js';
import { PublisherCode } from './codes.js';

export type Gateway = Pick<
  AzureGateway,
  | 'putDefinition'
  | 'putSetDefinition'
  | 'putAssignment'
  | 'putRoleAssignment'
  | 'putPricing'
  | 'createRemediation'
  | 'evaluateSubscription'
  | 'getRemediation'
  | 'deleteAssignment'
  | 'deleteRoleAssignment'
  | 'deleteSetDefinition'
  | 'deleteDefinition'
  | 'putExemption'
  | 'deleteExemption'
>;

export interface ApplyOptions {
  /** Parallel writes within a tier. */
  concurrency: number;
  /** Defender pricings: subscriptions in flight, and writes in flight per subscription (default DEFAULT_SCALE_LIMITS). */
  scale?: ScaleLimits;
  /** Subscriptions done of total while the pricings are written (a bar beside writeProgress's on a terminal). */
  subscriptionProgress?: Progress;
  /** Writes done of total across every tier, with the tiers being written as its stage (the CLI's live display). */
  writeProgress?: Progress;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** One line per object written. */
  verbose?: boolean;
  /**
   * --remediate: subscriptions whose compliance scan must finish before remediation tasks are created (those under
   * the assignments that get tasks), the poll interval and the time limit for scans and tasks together.
   */
  remediation?: { subscriptions: string[]; pollIntervalMs: number; timeoutMs: number };
}

/** What one remediation task did by the end of the run (or by the time limit). */
export interface RemediationReport {
  name: string;
  assignment: string;
  member: string;
  state: string;
  deployments: { total: number; succeeded: number; failed: number };
}

export interface ApplyResult {
  /** Writes that succeeded (PUT/DELETE calls, not counting retries). */
  writes: number;
  /** Items applied, in order of completion. */
  applied: PlanItem[];
  /** --remediate: each task's final state and deployments. */
  remediations: RemediationReport[];
}

interface Failure {
  item: PlanItem;
  error: unknown;
}

const TERMINAL_REMEDIATION = new Set(['succeeded', 'failed', 'canceled']);

function describe(item: PlanItem): string {
  const kind = item.kind === 'pricing' ? `Defender pricing ${item.name} on subscription ${item.subscriptionId}` : `${item.kind} '${item.name}'`;
  return `${item.action === 'delete' ? 'delete' : item.action === 'create' ? 'create' : 'update'} ${kind}`;
}

function armCodeOf(error: unknown): { code: string; status?: number; message: string } {
  if (isRestError(error)) {
    const out: { code: string; status?: number; message: string } = { code: error.code ?? `HTTP ${error.statusCode ?? '?'}`, message: error.message };
    if (error.statusCode !== undefined) out.status = error.statusCode;
    return out;
  }
  return { code: 'Error', message: error instanceof Error ? error.message : String(error) };
}

function tierError(tier: string, failures: Failure[], total: number, done: string[]): AzureError {
  const lines = failures.map(({ item, error }) => {
    const { code, status, message } = armCodeOf(error);
    return `  ${describe(item)}: ${code}${status !== undefined ? ` (HTTP ${status})` : ''}: ${message.split('\n')[0]}`;
  });
  const first = armCodeOf(failures[0]!.error);
  const opts: { armCode: string; statusCode?: number; hint: string } = {
    armCode: first.code,
    hint: 'fix the cause and run publish again: every write is idempotent, so a re-run completes what is missing',
  };
  if (first.status !== undefined) opts.statusCode = first.status;
  return new AzureError(
    PublisherCode.writesFailed,
    `${failures.length} of ${total} writes in tier '${tier}' failed; later tiers were not applied${done.length ? ` (completed tiers: ${done.join(', ')})` : ''}:\n${lines.join('\n')}`,
    opts,
  );
}

/**
 * The refusal of a plan with blockers (exit 2): every blocker with its code and, in the hint, how to proceed.
 * Thrown before any write, by the executor and by publish itself (even when the plan has nothing else to change).
 */
export function blockedError(plan: Plan): BadInputError {
  const hints = [...new Set(plan.blockers.map((b) => b.hint).filter((h): h is string => h !== undefined))];
  if (plan.blockers.some((b) => b.hint === undefined)) {
    hints.push('for an object another owner marked: rename it in the sources, or change `owner` in the config if this repo really owns it');
  }
  return new BadInputError(PublisherCode.publishRefused, `publish refused before any write (nothing was written):\n${plan.blockers.map((b) => `  ${b.code} ${b.message}`).join('\n')}`, {
    hint: hints.join('; '),
  });
}

/**
 * Waits for all the work running side by side (none is abandoned half-way), then fails with what failed: the
 * one error, or the Azure errors of all in one message.
 */
async function settleAll(work: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length === 1) throw failed[0]!.reason;
  if (failed.length > 1) {
    const errors = failed.map((f) => f.reason as Error);
    const first = errors[0]!;
    if (first instanceof AzureError) {
      throw new AzureError(PublisherCode.writesFailed, errors.map((e) => e.message).join('\n'), {
        ...(first.armCode !== undefined ? { armCode: first.armCode } : {}),
        ...(first.hint !== undefined ? { hint: first.hint } : {}),
      });
    }
    throw first;
  }
}

export async function applyPlan(plan: Plan, gateway: Gateway, options: ApplyOptions): Promise<ApplyResult> {
  if (plan.blockers.length > 0) throw blockedError(plan);
  const applied: PlanItem[] = [];
  const done: string[] = [];
  const progress = options.progress ?? (() => {});
  let writes = 0;
  let writeTask: ProgressTask | undefined;
  // The policy chain and the pricings run side by side: the stage names every tier in flight.
  const inFlight = new Set<string>();
  const entered = (tier: string) => {
    inFlight.add(tier);
    writeTask?.stage([...inFlight].join(', '));
  };
  const left = (tier: string) => {
    inFlight.delete(tier);
    writeTask?.stage([...inFlight].join(', '));
  };
  const wrote = (item: PlanItem) => {
    writes += 1;
    applied.push(item);
    writeTask?.tick();
    if (options.verbose) progress(`  ${describe(item)}: done`);
  };

  const runTier = async <T extends PlanItem>(tier: string, items: T[], fn: (item: T) => Promise<void>): Promise<void> => {
    if (items.length === 0) return;
    const started = Date.now();
    progress(`${tier}: ${items.length} write(s)...`);
    entered(tier);
    const failures = await pool(items, options.concurrency, async (item) => {
      await fn(item);
      wrote(item);
    });
    left(tier);
    if (failures.length > 0) throw tierError(tier, failures, items.length, done);
    done.push(tier);
    progress(`${tier}: ${items.length} done (${Date.now() - started} ms)`);
  };

  const changed = (i: PlanItem) => i.action === 'create' || i.action === 'update';
  const defs = plan.items.filter((i): i is DefinitionItem => i.kind === 'policyDefinition' && changed(i));
  const sets = plan.items.filter((i): i is DefinitionItem => i.kind === 'policySetDefinition' && changed(i));
  const assignments = plan.items.filter((i): i is AssignmentItem => i.kind === 'policyAssignment' && changed(i));
  const roles = plan.items.filter((i): i is RoleAssignmentItem => i.kind === 'roleAssignment' && i.action === 'create');
  const pricings = plan.items.filter((i): i is PricingItem => i.kind === 'pricing' && changed(i));
  const remediations = plan.items.filter((i): i is RemediationItem => i.kind === 'remediation');
  const exemptions = plan.items.filter((i): i is ExemptionItem => i.kind === 'policyExemption' && changed(i));
  // Deletes run in reverse dependency order, after every write succeeded (re-pointed references no longer block them).
  const isDelete = (i: PlanItem) => i.action === 'delete';
  const roleDeletes = plan.items.filter((i): i is RoleAssignmentItem => i.kind === 'roleAssignment' && isDelete(i));
  const assignmentDeletes = plan.items.filter((i): i is AssignmentItem => i.kind === 'policyAssignment' && isDelete(i));
  const exemptionDeletes = plan.items.filter((i): i is ExemptionItem => i.kind === 'policyExemption' && isDelete(i));
  const setDeletes = plan.items.filter((i): i is DefinitionItem => i.kind === 'policySetDefinition' && isDelete(i));
  const defDeletes = plan.items.filter((i): i is DefinitionItem => i.kind === 'policyDefinition' && isDelete(i));
  // Done of total for a live display: every write and delete below (remediation tasks report in their own lines).
  const total = [defs, sets, assignments, roles, pricings, exemptions, roleDeletes, assignmentDeletes, exemptionDeletes, setDeletes, defDeletes].reduce((n, l) => n + l.length, 0);
  writeTask = options.writeProgress?.('Publishing (writes)', total);
  try {
    return await applyAll();
  } finally {
    writeTask?.done();
  }

  async function applyAll(): Promise<ApplyResult> {

    // Principal ids of assignment identities, by assignment id; new identities are filled in from the PUT responses.
    const principals = new Map<string, string>();
    for (const a of plan.items) {
      if (a.kind === 'policyAssignment' && a.principalId) principals.set(`${a.managementGroupId}/${a.name}`.toLowerCase(), a.principalId);
    }
    const owner = plan.target.owner;

    const policyChain = async () => {
      await runTier('policy definitions', defs, (d) => gateway.putDefinition(d.managementGroupId, d.name, d.properties!, { created: d.action === 'create' }));
      await runTier('policy set definitions', sets, (s) => gateway.putSetDefinition(s.managementGroupId, s.name, s.properties!, { created: s.action === 'create' }));
      await runTier('policy assignments', assignments, async (a) => {
        const principal = await gateway.putAssignment(a.managementGroupId, a.name, a.body!);
        const key = `${a.managementGroupId}/${a.name}`.toLowerCase();
        if (principal) principals.set(key, principal);
        else principals.delete(key);
      });
      // Exemptions need their assignment (ARM: PolicyAssignmentNotFound otherwise), role assignments its identity;
      // neither needs the other, so they are written side by side (one round trip instead of two).
      const exemptionTier = runTier('policy exemptions', exemptions, (e) => gateway.putExemption(e.scope, e.name, e.properties!));
      const roleTier = runTier('role assignments', roles, async (r) => {
        // The identity is the assignment's: found by its group (a grant at an assignPermissions scope names it).
        const mg = r.assignmentManagementGroupId ?? /managementGroups\/([^/]+)$/i.exec(r.scope)?.[1] ?? '';
        const principal = principals.get(`${mg}/${r.assignmentName}`.toLowerCase()) ?? r.principalId;
        if (!principal) throw new Error(`policy assignment '${r.assignmentName}' has no managed identity to grant ${r.roleDefinitionId} to`);
        const name = roleAssignmentName(r.scope, principal, r.roleDefinitionId.split('/').pop()!);
        r.name = name;
        r.principalId = principal;
        r.id = `${r.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
        await gateway.putRoleAssignment(r.scope, name, {
          roleDefinitionId: r.roleDefinitionId,
          principalId: principal,
          description: roleAssignmentDescription(owner, r.assignmentName),
        });
      });
      await settleAll([exemptionTier, roleTier]);
      // Remediation deploys through the identities: only once their roles exist.
      if (remediations.length > 0) await remediate(remediations);
    };
    // --remediate (issue 8.6): a task with ExistingNonCompliant acts on compliance results, and a new assignment has none
    // until Azure has scanned (remediate-resources docs: create it "after evaluation has determined resource compliance").
    // So: scan every subscription below and wait (progress, time limit), then create the tasks and follow each to its end.
    const reports: RemediationReport[] = [];
    const remediate = async (tasks: RemediationItem[]) => {
      // Without settings (a library caller that did not say), nothing is scanned and tasks are polled every second.
      const settings = options.remediation ?? { subscriptions: [], pollIntervalMs: 1000, timeoutMs: 30 * 60_000 };
      const deadline = Date.now() + settings.timeoutMs;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), settings.timeoutMs);
      try {
        let scanned = 0;
        const subs = settings.subscriptions;
        progress(`compliance evaluation: scanning ${subs.length} subscription(s) (time limit ${Math.round(settings.timeoutMs / 1000)} s)...`);
        const scanFailures = await pool(subs, options.concurrency, async (sub) => {
          await gateway.evaluateSubscription(sub, { pollIntervalMs: settings.pollIntervalMs, abortSignal: abort.signal });
          scanned += 1;
          progress(`compliance evaluation: ${scanned} of ${subs.length} subscription(s) done`);
        });
        if (scanFailures.length > 0) {
          const timedOut = abort.signal.aborted;
          throw new AzureError(
            PublisherCode.remediationFailed,
            `compliance evaluation ${timedOut ? `did not finish within ${Math.round(settings.timeoutMs / 1000)} s` : 'failed'} for ${scanFailures.length} of ${subs.length} subscription(s); remediation tasks were not created (everything else is published)`,
            { hint: 'run publish --remediate again later (a scan of a large scope can take a while), or raise --remediate-timeout' },
          );
        }
        await runTier('remediation tasks', tasks, (r) =>
          gateway.createRemediation(
            r.managementGroupId,
            r.name,
            `/providers/Microsoft.Management/managementGroups/${r.managementGroupId}/providers/Microsoft.Authorization/policyAssignments/${r.assignmentName}`,
            r.policyDefinitionReferenceId,
          ),
        );
        // Follow each task to a terminal state (or the time limit) and report what it deployed.
        const pending = new Map(tasks.map((t) => [t.name, t]));
        const last = new Map<string, RemediationReport>();
        while (pending.size > 0) {
          for (const t of [...pending.values()]) {
            const s = await gateway.getRemediation(t.managementGroupId, t.name);
            const report = { name: t.name, assignment: t.assignmentName, member: t.policyDefinitionReferenceId, state: s.state, deployments: { total: s.total, succeeded: s.succeeded, failed: s.failed } };
            last.set(t.name, report);
            if (TERMINAL_REMEDIATION.has(s.state.toLowerCase())) {
              pending.delete(t.name);
              progress(`  remediation ${t.assignmentName}/${t.policyDefinitionReferenceId}: ${s.state}, ${s.total} deployment(s): ${s.succeeded} succeeded, ${s.failed} failed`);
            }
          }
          if (pending.size === 0 || Date.now() >= deadline) break;
          progress(`remediation tasks: ${tasks.length - pending.size} of ${tasks.length} finished`);
          await new Promise((r) => setTimeout(r, settings.pollIntervalMs));
        }
        for (const t of tasks) reports.push(last.get(t.name)!);
        for (const t of pending.values()) progress(`  remediation ${t.assignmentName}/${t.policyDefinitionReferenceId}: still ${last.get(t.name)?.state} at the time limit (it keeps running in Azure)`);
      } finally {
        clearTimeout(timer);
      }
    };

    // Pricings depend on nothing the policy chain writes: they run beside it, under their own cap (they go to the
    // per-subscription write buckets, the policy writes to the tenant bucket: publisher-mechanics.md 3.3).
    // Grouped by subscription (ARM's write bucket is per subscription): a bounded number of subscriptions at once, a
    // few writes in flight within each, so a subscription that is throttled (its Retry-After is honoured by the
    // gateway for that subscription only) holds one slot while the others go on.
    const pricingChain = async () => {
      if (pricings.length === 0) return;
      const scale = options.scale ?? DEFAULT_SCALE_LIMITS;
      const bySub = new Map<string, PricingItem[]>();
      for (const p of pricings) bySub.set(p.subscriptionId, [...(bySub.get(p.subscriptionId) ?? []), p]);
      const task = options.subscriptionProgress?.('Writing Defender plans (subscriptions)', bySub.size);
      const failures: Failure[] = [];
      const started = Date.now();
      progress(`Defender pricings: ${pricings.length} write(s) on ${bySub.size} subscription(s)...`);
      entered('Defender pricings');
      try {
        await pool([...bySub.values()], scale.subscriptions, async (items) => {
          const failed = await pool(items, scale.perSubscription, async (p) => {
            await gateway.putPricing(p.subscriptionId, p.name, p.properties!);
            wrote(p);
          });
          failures.push(...failed);
          task?.tick();
        });
      } finally {
        task?.done();
        left('Defender pricings');
      }
      if (failures.length > 0) throw tierError('Defender pricings', failures, pricings.length, done);
      done.push('Defender pricings');
      progress(`Defender pricings: ${pricings.length} done on ${bySub.size} subscription(s) (${Date.now() - started} ms)`);
    };

    await settleAll([policyChain(), pricingChain()]);

    // Deletes. Exemptions first: one left behind would block nothing, but its assignment's delete takes it anyway.
    await runTier('deletes: policy exemptions', exemptionDeletes, (e) => gateway.deleteExemption(e.scope, e.name));
    await runTier('deletes: assignments and their roles', [...roleDeletes, ...assignmentDeletes], (i) =>
      i.kind === 'roleAssignment' ? gateway.deleteRoleAssignment(i.scope, i.name) : gateway.deleteAssignment(assignmentScope(i), i.name),
    );
    await runTier('deletes: policy set definitions', setDeletes, (s) => gateway.deleteSetDefinition(s.managementGroupId, s.name));
    await runTier('deletes: policy definitions', defDeletes, (d) => gateway.deleteDefinition(d.managementGroupId, d.name));
    return { writes, applied, remediations: reports };
  }
}
