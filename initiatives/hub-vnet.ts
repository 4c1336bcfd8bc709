import { builtin } from '../src/catalog/builtins.js';
import { defineInitiative, member, param } from '../src/dsl/index.js';
import firewallPremium from '../definitions/hub-vnet/zt-hub-01-firewall-premium.js';

/** Unit 4, hub virtual network (zero-trust-controls.md §4). */
export default defineInitiative({
  name: 'zt-hub-vnet',
  displayName: 'Zero Trust: Hub virtual network',
  description: 'Zero Trust guardrails for the hub: Azure Firewall Premium managed by a firewall policy.',
  version: '1.0.0',
  category: 'Zero Trust',
  unit: 'hub-vnet',
  parameters: {
    hubEffect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny', {
      description: 'Effect of the hub deny controls (Audit during rollout).',
    }),
  },
  members: ({ p }) => [
    member(firewallPremium, { parameters: { effect: p.hubEffect } }),
    // ZT-HUB-02: rules live in a Firewall Policy, not in classic rule collections.
    member(builtin.azureFirewallClassicRulesShouldBeMigratedToFirewallPolicy, {
      controlId: 'ZT-HUB-02',
      principle: 'verify-explicitly',
      parameters: { effect: p.hubEffect },
    }),
  ],
});
