import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtin, builtinPolicies, getBuiltinDefinitionJson, getBuiltinKey, getBuiltinPolicy } from '../../src/catalog/builtins.js';
import { listBuiltinFiles, readBuiltinJson } from './shared.js';

const files = listBuiltinFiles();
// Each file read and parsed once for the whole suite.
const docs = new Map(files.map((f) => [f, readBuiltinJson(f)] as const));

describe('typed built-in catalog', () => {
  it('holds every public-cloud built-in definition once', () => {
    const guids = new Set([...docs.values()].map((d) => d.name.toLowerCase()));
    const catalogGuids = builtinPolicies().map(([, p]) => p.name.toLowerCase());
    expect(new Set(catalogGuids).size).toBe(catalogGuids.length);
    expect(new Set(catalogGuids)).toEqual(guids);
    expect(Object.keys(builtin)).toHaveLength(guids.size);
  });

  it('describes "Storage accounts should prevent shared key access" as its JSON file does', () => {
    const file = readBuiltinJson('Storage/StorageAccountAllowSharedKeyAccess_Audit.json');
    const p = builtin.storageAccountsShouldPreventSharedKeyAccess;
    expect(p.name).toBe(file.name);
    expect(p.id).toBe(`/providers/Microsoft.Authorization/policyDefinitions/${file.name}`);
    expect(p.displayName).toBe(file.properties.displayName);
    expect(p.version).toBe(file.properties.metadata.version);
    expect(p.category).toBe('Storage');
    expect(p.mode).toBe(file.properties.mode);
    expect(Object.keys(p.parameters)).toEqual(Object.keys(file.properties.parameters));
    expect(p.parameters.effect.allowedValues).toEqual(file.properties.parameters.effect.allowedValues);
    expect(p.parameters.effect.hasDefault).toBe(true);
    expect(p.effects).toEqual(file.properties.parameters.effect.allowedValues.map((e: string) => e.toLowerCase()));
    expect(p.deprecated).toBe(false);
    expect(p.roleDefinitionIds).toEqual([]);
  });

  it('carries the role definition ids and parameter shapes of a deployIfNotExists built-in', () => {
    const file = readBuiltinJson('Storage/StorageAccountPrivateEndpointEnabled_DINE.json');
    const p = getBuiltinPolicy(file.name)!;
    expect(p).toBeDefined();
    expect(p.roleDefinitionIds).toEqual(file.properties.policyRule.then.details.roleDefinitionIds);
    expect(p.roleDefinitionIds.length).toBeGreaterThan(0);
    for (const [name, def] of Object.entries(file.properties.parameters as Record<string, any>)) {
      expect(p.parameters[name]?.type.toLowerCase()).toBe(String(def.type).toLowerCase());
      expect(p.parameters[name]?.hasDefault).toBe('defaultValue' in def);
      expect(p.parameters[name]?.allowedValues).toEqual(def.allowedValues);
    }
    expect(p.effects).toContain('deployifnotexists');
  });

  it('flags deprecated and preview built-ins from metadata and display name', () => {
    let deprecated = 0;
    let preview = 0;
    for (const [f, doc] of docs) {
      const md = doc.properties.metadata ?? {};
      const isDeprecated = md.deprecated === true || /^\[deprecated\]/i.test(doc.properties.displayName);
      const isPreview = md.preview === true || /\[preview\]/i.test(doc.properties.displayName);
      const p = getBuiltinPolicy(doc.name)!;
      expect(p.deprecated, f).toBe(isDeprecated);
      expect(p.preview, f).toBe(isPreview);
      if (isDeprecated) deprecated++;
      if (isPreview) preview++;
    }
    expect(deprecated).toBeGreaterThan(100);
    expect(preview).toBeGreaterThan(50);
    expect(getBuiltinPolicy('361c2074-3595-4e5d-8cab-4f21dffc835c')?.deprecated).toBe(true); // [Deprecated]: Defender for Storage (Classic)
  });

  it('gives the Indexed mode to definitions that omit mode (Learn: a null mode is the same as indexed)', () => {
    const doc = [...docs.values()].find((d) => !('mode' in d.properties));
    expect(doc).toBeDefined();
    expect(getBuiltinPolicy(doc!.name)?.mode).toBe('Indexed');
  });

  it('finds built-ins by GUID or full id in any casing, and its key back', () => {
    const id = '/providers/Microsoft.Authorization/policyDefinitions/8C6A50C6-9FFD-4AE7-986F-5FA6111F9A54';
    expect(getBuiltinPolicy(id)).toBe(builtin.storageAccountsShouldPreventSharedKeyAccess);
    expect(getBuiltinKey('8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54')).toBe('storageAccountsShouldPreventSharedKeyAccess');
    expect(getBuiltinPolicy('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('keeps distinct keys when two display names differ only in spacing, suffixed with the GUID prefix', () => {
    // Two current built-ins whose display names differ by one space (published that way in Azure/azure-policy).
    const a = getBuiltinPolicy('55eff01b-f2bd-4c32-9203-db285f709d30')!;
    const b = getBuiltinPolicy('d45520cb-31ca-44ba-8da2-fcf914608544')!;
    expect(a.displayName.replace(/\s+/g, ' ')).toBe(b.displayName.replace(/\s+/g, ' '));
    expect(getBuiltinKey(a.name)).toBe('configureAzureAiServicesResourcesToDisableLocalKeyAccessDisableLocalAuthentication_55eff01b');
    expect(getBuiltinKey(b.name)).toBe('configureAzureAiServicesResourcesToDisableLocalKeyAccessDisableLocalAuthentication_d45520cb');
    expect(new Set(Object.keys(builtin)).size).toBe(builtinPolicies().length);
  });

  it('derives readable camelCase keys from display names', () => {
    expect(getBuiltinKey('9f766f00-8d11-464e-80e1-4091d7874074')).toBe('configureStorageAccountToUseAPrivateLinkConnection');
    expect(getBuiltinKey('361c2074-3595-4e5d-8cab-4f21dffc835c')).toBe('deprecatedDeployDefenderForStorageClassicOnStorageAccounts');
  });

  it('is read-only', () => {
    expect(Object.isFrozen(builtin.storageAccountsShouldPreventSharedKeyAccess)).toBe(true);
    expect(Reflect.set(builtin, 'x', 1)).toBe(false);
  });
});

describe('full built-in definition documents', () => {
  it('returns every document exactly as published', () => {
    // node's deep equality: vitest's toEqual is ten times slower over 3,594 documents.
    const differing = [...docs].filter(([, doc]) => !isDeepStrictEqual(getBuiltinDefinitionJson(doc.name), doc)).map(([f]) => f);
    expect(differing).toEqual([]);
    expect(Object.isFrozen(getBuiltinDefinitionJson(docs.values().next().value!.name)!.properties)).toBe(true);
  });

  it('answers by id as well, and undefined for unknown GUIDs', () => {
    const doc = getBuiltinDefinitionJson('/providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54');
    // The same document the upstream file holds (Built-in 8c6a50c6: storage accounts should prevent shared key access).
    expect(doc).toEqual(readBuiltinJson('Storage/StorageAccountAllowSharedKeyAccess_Audit.json'));
    expect(getBuiltinDefinitionJson('nope')).toBeUndefined();
  });
});
