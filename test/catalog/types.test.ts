// Type-level tests of the typed catalogs. vitest does not type-check: test/typecheck.test.ts runs tsc over the
// project, which fails if a `@ts-expect-error` line below is NOT an error, or if any other line is one.
import { describe, expect, it } from 'vitest';
import type { AliasOf, CanonicalResourceType, ResourceType } from '../../src/catalog/alias-types.js';
import { loadBundledAliases } from '../../src/catalog/aliases.js';
import { builtin, type BuiltinKey } from '../../src/catalog/builtins.js';
import type { BuiltinParameter, BuiltinParameterValue, BuiltinPolicy } from '../../src/catalog/types.js';

// --- aliases -----------------------------------------------------------------------------------------------------
const storageTls: AliasOf<'Microsoft.Storage/storageAccounts'> = 'Microsoft.Storage/storageAccounts/minimumTlsVersion';
const nsgArray: AliasOf<'Microsoft.Network/networkSecurityGroups'> = 'Microsoft.Network/networkSecurityGroups/securityRules[*].access';
const childType: ResourceType = 'Microsoft.Storage/storageAccounts/blobServices';
const vmImage: AliasOf<'Microsoft.Compute/virtualMachines'> = 'Microsoft.Compute/imagePublisher';
// The API spells this type microsoft.insights; the typed catalog uses one canonical casing.
const diag: AliasOf<CanonicalResourceType<'microsoft.insights/DIAGNOSTICSETTINGS'>> = 'Microsoft.Insights/diagnosticSettings/logs[*].categoryGroup';

// @ts-expect-error a typo in an alias name
const typo: AliasOf<'Microsoft.Storage/storageAccounts'> = 'Microsoft.Storage/storageAccounts/minimumTlsVerson';
// @ts-expect-error an alias of another resource type
const otherType: AliasOf<'Microsoft.Storage/storageAccounts'> = 'Microsoft.Compute/imagePublisher';
// @ts-expect-error an unknown resource type
type UnknownType = AliasOf<'Microsoft.Storage/storageAcounts'>;
// @ts-expect-error CanonicalResourceType of an unknown type is never
const noType: CanonicalResourceType<'Microsoft.Nope/things'> = 'Microsoft.Nope/things';

// --- built-ins ---------------------------------------------------------------------------------------------------
/** What an initiative member's parameter values look like when typed from the catalog (as the DSL does). */
type MemberParameters<B extends BuiltinPolicy> = { [K in keyof B['parameters']]?: BuiltinParameterValue<B['parameters'][K]> };
function member<B extends BuiltinPolicy>(policy: B, parameters: MemberParameters<B>): { id: string; parameters: MemberParameters<B> } {
  return { id: policy.id, parameters };
}

const sharedKey = builtin.storageAccountsShouldPreventSharedKeyAccess;
const okEffect = member(sharedKey, { effect: 'Deny' });
const okExpression = member(sharedKey, { effect: "[parameters('storageEffect')]" });
// @ts-expect-error a value outside the built-in's allowedValues
member(sharedKey, { effect: 'Modify' });
// @ts-expect-error a parameter the built-in does not declare
member(sharedKey, { efect: 'Deny' });
// @ts-expect-error a built-in that does not exist
builtin.storageAccountsShouldPreventSharedKeyAcces;

// Array parameters with allowedValues take arrays of allowed elements.
const skus = member(builtin.apiManagementServiceShouldUseASkuThatSupportsVirtualNetworks, { listOfAllowedSKUs: ['Premium', 'Developer'] });
// @ts-expect-error an element outside allowedValues
member(builtin.apiManagementServiceShouldUseASkuThatSupportsVirtualNetworks, { listOfAllowedSKUs: ['Gold'] });
// Array parameters without allowedValues take any array.
const locations = member(builtin.aCustomIPsecIkePolicyMustBeAppliedToAllAzureVirtualNetworkGatewayConnections, { DHGroup: ['DHGroup14'] });
// @ts-expect-error an Array parameter given a plain string
member(builtin.aCustomIPsecIkePolicyMustBeAppliedToAllAzureVirtualNetworkGatewayConnections, { DHGroup: 'DHGroup14' });

const key: BuiltinKey = 'storageAccountsShouldPreventSharedKeyAccess';
type EffectParam = (typeof sharedKey)['parameters']['effect'];
const effectIsParameter: BuiltinParameter = sharedKey.parameters.effect satisfies EffectParam;

describe('typed catalogs (the type assertions are checked by tsc in test/typecheck.test.ts)', () => {
  it('the typed values exist at run time too', () => {
    // The run-time catalog agrees with the types: what compiles is an alias of that type, what does not is not.
    const catalog = loadBundledAliases();
    const typeOf = (alias: string, type: string) => catalog.get(type)?.get(alias.toLowerCase())?.resourceType;
    expect(typeOf(storageTls, 'Microsoft.Storage/storageAccounts')).toBe('Microsoft.Storage/storageAccounts');
    expect(typeOf(nsgArray, 'Microsoft.Network/networkSecurityGroups')).toBe('Microsoft.Network/networkSecurityGroups');
    expect(typeOf(vmImage, 'Microsoft.Compute/virtualMachines')).toBe('Microsoft.Compute/virtualMachines');
    expect(typeOf(diag, 'microsoft.insights/diagnosticSettings')).toBe('Microsoft.Insights/diagnosticSettings');
    expect(catalog.canonicalResourceType(childType)).toBe('Microsoft.Storage/storageAccounts/blobServices');
    expect(catalog.find(typo)).toBeUndefined();
    expect(typeOf(otherType, 'Microsoft.Storage/storageAccounts')).toBeUndefined();
    expect(catalog.canonicalResourceType(noType)).toBeUndefined();
    expect(okEffect.parameters.effect).toBe('Deny');
    expect(okExpression.id).toBe('/providers/Microsoft.Authorization/policyDefinitions/8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54');
    expect(skus.id).toBe(builtin.apiManagementServiceShouldUseASkuThatSupportsVirtualNetworks.id);
    expect(locations.parameters.DHGroup).toEqual(['DHGroup14']);
    expect(builtin[key]).toBe(sharedKey);
    expect(effectIsParameter.allowedValues).toEqual(['Audit', 'Deny', 'Disabled']);
    expect(builtin.apiManagementServiceShouldUseASkuThatSupportsVirtualNetworks.parameters.listOfAllowedSKUs.allowedValues).toContain('Premium');
  });
});
