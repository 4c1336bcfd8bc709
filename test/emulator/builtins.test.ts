/**
 * The lazy built-in index: names come from each file's own id (upstream files end with it), the
 * public-cloud file wins over its "Azure Government" twin, and a set whose tail lists member definitions
 * is not indexed under a member's name.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinStore } from './builtins.js';

const MEMBER = '11111111-2222-4333-8444-555555555555';
const SET = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const DEF = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';

describe('BuiltinStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'emu-builtins-idx-'));
    const put = async (rel: string, doc: unknown): Promise<void> => {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), JSON.stringify(doc, null, 2));
    };
    // id first, members last: the tail holds a *definition* id
    await put('policySetDefinitions/General/set.json', {
      id: `/providers/Microsoft.Authorization/policySetDefinitions/${SET}`,
      name: SET,
      type: 'Microsoft.Authorization/policySetDefinitions',
      properties: { displayName: 'Set', policyType: 'BuiltIn', policyDefinitions: [{ policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${MEMBER}` }] },
    });
    await put('policyDefinitions/Azure Government/General/def.json', { properties: { displayName: 'Gov twin', policyType: 'BuiltIn' }, id: `/providers/Microsoft.Authorization/policyDefinitions/${DEF}`, name: DEF });
    await put('policyDefinitions/General/def.json', { properties: { displayName: 'Public', policyType: 'BuiltIn' }, id: `/providers/Microsoft.Authorization/policyDefinitions/${DEF}`, name: DEF });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('indexes by the resource id, never by a member id in the tail', async () => {
    const store = new BuiltinStore(dir);
    expect((await store.get('policySetDefinitions', SET))?.name).toBe(SET);
    expect(await store.get('policySetDefinitions', MEMBER)).toBeUndefined();
    expect(await store.has('policySetDefinitions', SET.toUpperCase())).toBe(true);
  });

  it('prefers the public-cloud file over the Azure Government copy', async () => {
    const store = new BuiltinStore(dir);
    expect((await store.get('policyDefinitions', DEF))?.properties).toMatchObject({ displayName: 'Public' });
    expect((await store.list('policyDefinitions')).map((d) => d.name)).toEqual([DEF]);
  });
});
