import zeroTrustCatalog from '../src/catalog/zero-trust-controls.js';
import { defineInitiative } from '../src/dsl/index.js';
import defender from './defender.js';
import hubVnet from './hub-vnet.js';
import spokeVnet from './spoke-vnet.js';
import storage from './storage.js';
import vm from './vm.js';

/**
 * The umbrella assigned at the root management group. Azure cannot nest policy sets, so the unit
 * initiatives are flattened in at compile time (members and parameters), grouped by principle and unit.
 */
export default defineInitiative({
  name: 'zt-zero-trust',
  displayName: 'Zero Trust for Azure IaaS',
  description:
    'Zero Trust guardrails for Azure IaaS that are implemented as Azure Policy (storage, virtual machines, spoke and hub networks, Defender for Cloud, monitoring), grouped by principle and unit. Controls not yet implemented or not expressible as policy are listed in summaries/coverage.md.',
  version: '1.0.0',
  category: 'Zero Trust',
  include: [storage, vm, spokeVnet, hubVnet, defender],
  groupBy: ['principle', 'unit'],
  // Every catalog id must be implemented by a member or carry a status: generated/summaries/coverage.md.
  catalog: zeroTrustCatalog,
});
