import { builtin } from '../src/catalog/builtins.js';
import { defineInitiative, member, param } from '../src/dsl/index.js';
import defenderKeyVault from '../definitions/defender/zt-mdc-04-defender-key-vault.js';

/**
 * Defender for Cloud enablement (zero-trust-controls.md §5): subscription-targeted deployIfNotExists members
 * assigned at the root management group. Their roleDefinitionIds (Owner for the full-feature plans,
 * Security Admin for the others) are what the publisher grants the assignment's managed identity.
 */
export default defineInitiative({
  name: 'zt-defender',
  displayName: 'Zero Trust: Microsoft Defender for Cloud',
  description: 'Enables the Microsoft Defender for Cloud plans the Zero Trust units rely on, in every subscription.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'defender',
  parameters: {
    defenderEffect: param.effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists', {
      description: 'DeployIfNotExists enables the plans; Disabled switches the members off.',
    }),
  },
  members: ({ p }) => [
    // ZT-MDC-04: Key Vault plan (custom).
    member(defenderKeyVault, { parameters: { effect: p.defenderEffect } }),
    // ZT-MDC-01: Defender CSPM.
    member(builtin.configureMicrosoftDefenderCspmPlan, { controlId: 'ZT-MDC-01', principle: 'assume-breach', parameters: { effect: p.defenderEffect } }),
    // ZT-MDC-02: Defender for Servers P2 (JIT, vulnerability assessment, MDE).
    member(builtin.configureMicrosoftDefenderForServersPlan, { controlId: 'ZT-MDC-02',
      principle: 'verify-explicitly',
      parameters: { effect: p.defenderEffect, subPlan: 'P2' },
    }),
    // ZT-MDC-03: Defender for Storage (V2, malware scanning on upload).
    member(builtin.configureMicrosoftDefenderForStorageToBeEnabled, { controlId: 'ZT-MDC-03',
      principle: 'assume-breach',
      parameters: { effect: p.defenderEffect, isOnUploadMalwareScanningEnabled: 'true' },
    }),
    // ZT-MDC-05: Defender for Resource Manager.
    member(builtin.configureAzureDefenderForResourceManagerToBeEnabled, { controlId: 'ZT-MDC-05',
      principle: 'verify-explicitly',
      parameters: { effect: p.defenderEffect },
    }),
  ],
});
