import { builtin } from '../src/catalog/builtins.js';
import { defineInitiative, member, param } from '../src/dsl/index.js';
import minimumTls from '../definitions/storage/zt-stg-02-minimum-tls.js';

/** Unit 1, Azure Storage (zero-trust-controls.md §1): custom controls plus the built-ins they rely on. */
export default defineInitiative({
  name: 'zt-storage',
  displayName: 'Zero Trust: Azure Storage',
  description: 'Zero Trust guardrails for storage accounts: encryption in transit, Entra-only data access, no anonymous access.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'storage',
  parameters: {
    storageEffect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny', {
      description: 'Effect of the storage deny controls (Audit during rollout).',
    }),
  },
  members: ({ p }) => [
    member(minimumTls, { parameters: { effect: p.storageEffect } }),
    // ZT-STG-01: secure transfer required.
    member(builtin.secureTransferToStorageAccountsShouldBeEnabled, {
      controlId: 'ZT-STG-01',
      principle: 'assume-breach',
      parameters: { effect: p.storageEffect },
    }),
    // ZT-STG-06: Entra-only data access (no Shared Key).
    member(builtin.storageAccountsShouldPreventSharedKeyAccess, {
      controlId: 'ZT-STG-06',
      principle: 'verify-explicitly',
      parameters: { effect: p.storageEffect },
    }),
  ],
});
