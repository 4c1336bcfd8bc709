/** `ztpolicy init`: implementation (options and documentation in ../commands/init.ts). */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { checkbox, input } from '@inquirer/prompts';
import { canonicalJson } from '../../compiler/canonical-json.js';
import { BadInputError, ExitCode, ZtError } from '../../errors.js';
import { PublisherCode } from '../../publisher/codes.js';
import { DEFENDER_PLAN_NAMES, type DefenderPlanName } from '../../publisher/config.js';
import { AzureGateway } from '../../publisher/gateway.js';
import { checkAccess, initConfig, type InitAnswers } from '../../publisher/init.js';
import type { CommandRun } from '../command.js';
import type { InitArgs } from '../commands/init.js';
import { reporter } from '../output.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parameters the initiative requires (no default), read from generated/ when it is there. */
function requiredParameters(configFile: string, initiative: string): string[] {
  const file = join(dirname(configFile), 'generated', 'policySetDefinitions', `${initiative}.json`);
  if (!existsSync(file)) return [];
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { properties?: { parameters?: Record<string, { defaultValue?: unknown }> } };
    return Object.entries(doc.properties?.parameters ?? {})
      .filter(([, d]) => d.defaultValue === undefined)
      .map(([k]) => k);
  } catch {
    return [];
  }
}

export const run: CommandRun<InitArgs> = async (raw, io, result) => {
  const argv = raw;
  const say = reporter(io, argv);
  const info = say.info;
  const configFile = resolve(argv.config);
  if (existsSync(configFile) && !argv.force) {
    throw new BadInputError(PublisherCode.initConfigExists, `${argv.config} already exists; init writes a new config`, {
      file: argv.config,
      hint: 'edit it, or run again with --force to replace it',
    });
  }
  const interactive = argv.interactive ?? (Boolean(io.isTTY ?? process.stdin.isTTY) && !process.env.CI);
  // Each prompt ends the stream it writes to when it closes (its output is piped): give every prompt a fresh
  // forwarder so the terminal (or a test's stream) stays open for the next question.
  const target = io.promptOutput ?? process.stderr;
  const context = () => ({
    input: io.stdin ?? process.stdin,
    output: new Writable({ write: (chunk: Buffer, _enc, done) => void target.write(chunk, () => done()) }),
  });
  const needed = requiredParameters(configFile, argv.initiative);
  const ask = async (flag: string, value: string | undefined, message: string, validate: (v: string) => true | string, fallback?: string): Promise<string> => {
    if (value !== undefined) {
      const ok = validate(value);
      if (ok !== true) throw new BadInputError(PublisherCode.initValueMissing, `--${flag} '${value}': ${ok}`, { hint: `pass a valid --${flag}` });
      return value;
    }
    if (!interactive) {
      throw new BadInputError(PublisherCode.initValueMissing, `--${flag} is required when init cannot ask (no terminal, CI set or --no-interactive)`, {
        hint: `pass --${flag} (${message})`,
      });
    }
    return input({ message, validate, ...(fallback !== undefined ? { default: fallback } : {}) }, context());
  };
  const mg = await ask('mg', argv.mg, 'Management group id to publish to (the Tenant Root Group\'s id is the tenant id)', (v) => (v.trim().length > 0 && v.length <= 90 ? true : 'a management group id (1-90 characters)'));
  const owner = await ask('owner', argv.owner, "Ownership marker (who owns what ztpolicy creates), e.g. 'contoso/platform-policies'", (v) =>
    /^[A-Za-z0-9][A-Za-z0-9._\-/]{2,99}$/.test(v) ? true : 'letters, digits and . _ - /, 3 to 100 characters',
  );
  const location = await ask('location', argv.location, 'Azure region for managed identities', (v) => (/^[a-z0-9]+$/.test(v) ? true : "a region name like 'westeurope'"), 'westeurope');
  let workspace = argv.workspace;
  if (needed.includes('logAnalyticsWorkspaceId') || workspace !== undefined) {
    workspace = await ask('workspace', workspace, 'Log Analytics workspace resource id', (v) =>
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(v) ? true : 'a workspace resource id (/subscriptions/.../workspaces/<name>)',
    );
  }
  let plans: DefenderPlanName[];
  if (argv.defender !== undefined) {
    const unknown = argv.defender.filter((p) => !DEFENDER_PLAN_NAMES.includes(p as DefenderPlanName));
    if (unknown.length > 0) {
      throw new BadInputError(PublisherCode.initValueMissing, `unknown Defender plan(s): ${unknown.join(', ')}`, { hint: `use: ${DEFENDER_PLAN_NAMES.join(', ')}` });
    }
    plans = argv.defender as DefenderPlanName[];
  } else if (interactive) {
    plans = await checkbox({ message: 'Defender for Cloud plans to enable', choices: DEFENDER_PLAN_NAMES.map((p) => ({ value: p, checked: p === 'CloudPosture' })) }, context());
  } else plans = [];
  if (argv.tenant !== undefined && !GUID.test(argv.tenant)) {
    throw new BadInputError(PublisherCode.initValueMissing, `--tenant '${argv.tenant}' is not a tenant id (GUID)`, { hint: 'pass the Entra tenant id' });
  }
  const answers: InitAnswers = {
    managementGroupId: mg,
    owner,
    identityLocation: location,
    defenderPlans: plans,
    initiative: argv.initiative,
    ...(argv.tenant !== undefined ? { tenantId: argv.tenant } : {}),
    ...(workspace !== undefined ? { logAnalyticsWorkspaceId: workspace } : {}),
  };

  const gateway = await AzureGateway.create({
    ...(io.azure as object),
    ...(argv.endpoint !== undefined ? { endpoint: argv.endpoint } : {}),
    ...(argv.verbose ? { log: say.detail } : {}),
  });
  info(`Checking the credential and management group '${mg}' at ${gateway.endpoint} (read-only)...`);
  const check = await checkAccess(gateway, answers).catch((e: unknown) => {
    if (e instanceof ZtError) throw e;
    throw new ZtError(PublisherCode.noAccessToken, `the read-only check failed: ${(e as Error).message.split('\n')[0]}`, {
      exitCode: ExitCode.azure,
      hint: 'sign in (az login, managed or workload identity) or set ZTPOLICY_ACCESS_TOKEN, then run init again',
    });
  });
  info(`  tenant ${check.tenantId}${check.principal ? `, signed in as ${check.principal}` : ''}`);
  info(`  management group '${check.managementGroupId}' exists`);
  for (const note of check.notes) info(`  ${note}`);
  if (!check.permissionsChecked) info('  permissions not checked: the token carries no object id');
  else info(`  roles at the management group: ${check.roles.join(', ') || '(none)'}`);
  if (check.missing.length > 0) {
    const roles = [...new Set(check.missing.map((m) => m.role))];
    if (argv.json) io.stdout(canonicalJson({ written: false, check }));
    throw new ZtError(
      PublisherCode.initPermissionsMissing,
      `the caller cannot ${check.missing.map((m) => m.action).join(', ')} at management group '${check.managementGroupId}'; nothing was written`,
      { exitCode: ExitCode.checkFailed, hint: `assign ${roles.join(' and ')} at the management group to the identity that publishes (plan needs only Reader)` },
    );
  }
  const { value } = initConfig(answers, check, argv.config);
  // Written whole or not at all: a temp file renamed over the target.
  const tmp = `${configFile}.tmp-${process.pid}`;
  writeFileSync(tmp, canonicalJson(value));
  renameSync(tmp, configFile);
  info(`${say.c.green('Wrote')} ${argv.config}. Next: npm run build, then ztpolicy plan --mg ${check.managementGroupId}`);
  if (argv.json) io.stdout(canonicalJson({ written: true, file: argv.config, check, config: value }));
  result.exitCode = ExitCode.ok;
};
