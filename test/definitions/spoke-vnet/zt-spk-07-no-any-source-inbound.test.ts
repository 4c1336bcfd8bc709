/**
 * ZT-SPK-07 (zero-trust-controls.md §3): inbound Allow from any source is a violation (inline and child rules),
 * except on the public ingress NSGs to exactly the allowed public ports; plus the MCSB audit 9daedab3 as the
 * initiative assigns it.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-07-no-any-source-inbound.js';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, expectPolicy, networkSecurityGroup, routeTable, securityAssessment, securityRule, securityRuleObject, virtualMachine } from '../../../src/testing/index.js';

const fromAny = (ports: { destinationPortRange?: string; destinationPortRanges?: string[] }, source = '*') => ({
  access: 'Allow' as const,
  direction: 'Inbound' as const,
  priority: 200,
  protocol: 'Tcp',
  sourceAddressPrefix: source,
  destinationAddressPrefix: '*',
  ...ports,
});
const ingress = { publicIngressNsgNames: ['nsg-snet-appgw'] };

describe('ZT-SPK-07 no any-source inbound allows', () => {
  const policy = expectPolicy(control);

  it('audits an NSG with an inline allow from the Internet, and a child rule from 0.0.0.0/0', () => {
    policy.toAudit(networkSecurityGroup({ securityRules: [securityRuleObject('web', fromAny({ destinationPortRange: '443' }, 'Internet'))] }));
    policy.toAudit(securityRule(fromAny({ destinationPortRange: '8443' }, '0.0.0.0/0')));
  });

  it('lets the ingress NSG accept 443 from anyone, inline and as a child rule', () => {
    const p = policy.withParameters(ingress);
    p.toBeCompliant(networkSecurityGroup({ securityRules: [securityRuleObject('web', fromAny({ destinationPortRange: '443' }, 'Internet'))] }, { name: 'nsg-snet-appgw' }));
    p.toBeCompliant(securityRule(fromAny({ destinationPortRanges: ['443'] }), { parent: 'nsg-snet-appgw' }));
  });

  it('still flags the ingress NSG for a port beyond the allowed ones, a range or *', () => {
    const p = policy.withParameters(ingress);
    p.toAudit(securityRule(fromAny({ destinationPortRanges: ['443', '80'] }), { parent: 'nsg-snet-appgw' }));
    p.toAudit(securityRule(fromAny({ destinationPortRange: '400-500' }), { parent: 'nsg-snet-appgw' }));
    p.toAudit(networkSecurityGroup({ securityRules: [securityRuleObject('any', fromAny({ destinationPortRange: '*' }))] }, { name: 'nsg-snet-appgw' }));
    // The same 443 rule on an NSG that is not an ingress NSG.
    p.toAudit(securityRule(fromAny({ destinationPortRange: '443' }), { parent: 'nsg-snet-app' }));
  });

  it('finds explicit-source allows compliant', () => {
    policy.toBeCompliant(networkSecurityGroup());
    policy.toBeCompliant(securityRule());
  });

  it('denies when the initiative sets the control to Deny', () => {
    expectMember(spokeVnet, control, { parameters: { ztSpk07Effect: 'Deny' } }).toDeny(securityRule(fromAny({ destinationPortRange: '443' })));
  });

  it('does not apply to route tables', () => {
    policy.toBeNotApplicable(routeTable());
  });
});

describe('ZT-SPK-07 built-in 9daedab3 (MCSB: VM-attached NSGs restrict all ports), as assigned', () => {
  const member = expectMember(spokeVnet, builtin.allNetworkPortsShouldBeRestrictedOnNetworkSecurityGroupsAssociatedToYourVirtualMachine);
  const vm = virtualMachine();
  // Defender for Cloud's assessment 3b20e985 on the VM carries the finding.
  const assessment = (code: 'Healthy' | 'Unhealthy') => securityAssessment(vm.id, '3b20e985-f71f-483b-b078-f30d73936d43', { code });

  it('audits a VM whose assessment is Unhealthy or missing, not one that is Healthy', () => {
    member.withRelated([assessment('Unhealthy')]).toAuditIfNotExists(vm);
    member.toAuditIfNotExists(vm);
    member.withRelated([assessment('Healthy')]).toBeCompliant(vm);
  });

  it('does not apply to NSGs', () => {
    member.toBeNotApplicable(networkSecurityGroup());
  });
});
