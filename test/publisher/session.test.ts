import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError, DiagnosticsError } from '../../src/errors.js';
import { planSession } from '../../src/publisher/session.js';
import type { ArmEmulator } from '../emulator/index.js';
import { emulator, session, workspace, type Workspace } from './helpers.js';

let emu: ArmEmulator;
let ws: Workspace;
beforeEach(async () => {
  emu = await emulator();
  ws = workspace();
});
afterEach(async () => {
  await emu.close();
  ws.remove();
});

describe('refusing the wrong target', () => {
  it('refuses --mg other than the configured management group before any request', async () => {
    await expect(session(emu, ws, { managementGroupId: 'landing-zones' })).rejects.toMatchObject({ code: 'ZT8050', exitCode: 2 });
    expect(emu.requests).toHaveLength(0);
  });

  it('refuses a management group of another tenant before any write', async () => {
    ws.editJson('ztpolicy.config.json', (c) => {
      c.tenantId = 'aaaaaaaa-0000-4000-8000-000000000001';
    });
    const s = await session(emu, ws);
    await expect(planSession(s)).rejects.toMatchObject({ code: 'ZT8053', exitCode: 2 });
    expect(emu.writes()).toHaveLength(0);
  });

  it('refuses a token issued for another tenant before any request', async () => {
    const payload = Buffer.from(JSON.stringify({ tid: 'aaaaaaaa-0000-4000-8000-000000000001' })).toString('base64url');
    await expect(session(emu, ws, { env: { ZTPOLICY_ACCESS_TOKEN: `eyJhbGciOiJub25lIn0.${payload}.x` } })).rejects.toBeInstanceOf(BadInputError);
    expect(emu.requests).toHaveLength(0);
  });

  it('refuses a token minted for real Azure before sending it to the emulator (audience check, issue 11.4)', async () => {
    const payload = Buffer.from(JSON.stringify({ aud: 'https://management.core.windows.net/', tid: '00000000-0000-4000-8000-0000000a2e00' })).toString('base64url');
    await expect(session(emu, ws, { credential: undefined, env: { ZTPOLICY_ACCESS_TOKEN: `eyJhbGciOiJub25lIn0.${payload}.x` } } as never)).rejects.toMatchObject({
      code: 'ZT8042',
      exitCode: 2,
    });
    expect(emu.requests).toHaveLength(0);
  });

  it('refuses an assignment at a management group outside the target', async () => {
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments[1].managementGroupId = 'sandbox';
    });
    const s = await session(emu, ws);
    await expect(planSession(s)).rejects.toMatchObject({ code: 'ZT8054' });
    expect(emu.writes()).toHaveLength(0);
  });
});

describe('sign-in failures', () => {
  it('reports a credential that cannot produce a token as an Azure error (exit 3), not a crash', async () => {
    class CredentialUnavailableError extends Error {
      override name = 'CredentialUnavailableError';
    }
    const s = await session(emu, ws, {
      credential: {
        getToken: async () => {
          throw new CredentialUnavailableError('DefaultAzureCredential: no credential in the chain could sign in');
        },
      },
    });
    await expect(planSession(s)).rejects.toMatchObject({ code: 'ZT8203', exitCode: 3, hint: expect.stringContaining('ZTPOLICY_ACCESS_TOKEN') });
    expect(emu.requests).toHaveLength(0);
  });
});

describe('config checked against generated/ before any call', () => {
  it('reports an unknown initiative, an undeclared parameter and a missing required one with JSON paths', async () => {
    ws.editJson('ztpolicy.config.json', (c) => {
      c.assignments[0].parameters = { logAnalyticsWorkspaceID2: 'x' };
      c.assignments[1].initiative = 'zt-vms';
    });
    const error = await session(emu, ws).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagnosticsError);
    const d = (error as DiagnosticsError).diagnostics;
    expect(d.map((x) => [x.code, x.jsonPath])).toEqual(
      expect.arrayContaining([
        ['ZT8021', '$.assignments[0].parameters.logAnalyticsWorkspaceID2'],
        ['ZT8022', '$.assignments[0].parameters'],
        ['ZT8020', '$.assignments[1].initiative'],
      ]),
    );
    expect(d.find((x) => x.code === 'ZT8020')!.hint).toContain('zt-vm');
    expect(emu.requests).toHaveLength(0);
  });

  it('reports a missing generated/ with the command that creates it', async () => {
    ws.editJson('ztpolicy.config.json', (c) => {
      c.generatedDir = 'nowhere';
    });
    await expect(session(emu, ws)).rejects.toMatchObject({ code: 'ZT8012', hint: expect.stringContaining('npm run build') });
  });
});
