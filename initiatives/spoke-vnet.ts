import { builtin } from '../src/catalog/builtins.js';
import { defineInitiative, member, param } from '../src/dsl/index.js';
import subnetNsg from '../definitions/spoke-vnet/zt-spk-02-subnet-nsg.js';

/** Unit 3, spoke virtual networks (zero-trust-controls.md §3). */
export default defineInitiative({
  name: 'zt-spoke-vnet',
  displayName: 'Zero Trust: Spoke virtual networks',
  description: 'Zero Trust guardrails for spoke virtual networks: every workload subnet is filtered by a network security group.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'spoke-vnet',
  parameters: {
    spokeEffect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny', {
      description: 'Effect of the spoke network deny controls (Audit during rollout).',
    }),
  },
  members: ({ p }) => [
    member(subnetNsg, { parameters: { effect: p.spokeEffect } }),
    // ZT-SPK-02 audit companion (MCSB).
    member(builtin.subnetsShouldBeAssociatedWithANetworkSecurityGroup, {
      controlId: 'ZT-SPK-02',
      principle: 'least-privilege',
      parameters: { effect: 'AuditIfNotExists' },
    }),
    // ZT-SPK-02 guard: GatewaySubnet must not get an NSG (fixed deny, no parameters).
    member(builtin.gatewaySubnetsShouldNotBeConfiguredWithANetworkSecurityGroup, { controlId: 'ZT-SPK-02', principle: 'assume-breach' }),
  ],
});
