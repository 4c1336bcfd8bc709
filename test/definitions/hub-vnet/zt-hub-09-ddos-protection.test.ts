/**
 * ZT-HUB-09 (zero-trust-controls.md §4): built-in 94de2ad3 links every VNet to the DDoS plan (Modify), with the MCSB
 * audit a7aca53f as companion, both as the initiative assigns them.
 */
import { describe, it } from 'vitest';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { expectMember, publicIp, securityAssessment, virtualNetwork } from '../../../src/testing/index.js';

const SUB = '00000000-0000-0000-0000-00000000a11c';
const plan = `/subscriptions/${SUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/ddosProtectionPlans/ddos-zt`;

describe('ZT-HUB-09 94de2ad3 DDoS Network Protection (Modify)', () => {
  const member = expectMember(hubVnet, builtin.virtualNetworksShouldBeProtectedByAzureDDoSProtection, { parameters: { ddosPlanId: plan } });

  it('turns protection on and links the plan on an unprotected VNet', () => {
    member.toModify(virtualNetwork({ enableDdosProtection: false, ddosProtectionPlan: undefined }), [
      { operation: 'addOrReplace', field: 'Microsoft.Network/virtualNetworks/enableDdosProtection', value: true },
      { operation: 'addOrReplace', field: 'Microsoft.Network/virtualNetworks/ddosProtectionPlan.id', value: plan },
    ]);
  });

  it('leaves a protected VNet alone', () => {
    member.toBeCompliant(virtualNetwork());
  });

  it('audits instead when the initiative says Audit, and does not apply to public IPs', () => {
    expectMember(hubVnet, builtin.virtualNetworksShouldBeProtectedByAzureDDoSProtection, { parameters: { ddosPlanId: plan, ztHub09Effect: 'Audit' } }).toAudit(
      virtualNetwork({ enableDdosProtection: false }),
    );
    member.toBeNotApplicable(publicIp());
  });
});

describe('ZT-HUB-09 a7aca53f DDoS audit (MCSB)', () => {
  const member = expectMember(hubVnet, builtin.azureDDoSProtectionShouldBeEnabled);
  const vnet = virtualNetwork();

  it('audits a VNet whose Defender assessment is Unhealthy or missing, not a Healthy one', () => {
    member.withRelated([securityAssessment(vnet.id, 'e3de1cc0-f4dd-3b34-e496-8b5381ba2d70', { code: 'Unhealthy' })]).toAuditIfNotExists(vnet);
    member.toAuditIfNotExists(vnet);
    member.withRelated([securityAssessment(vnet.id, 'e3de1cc0-f4dd-3b34-e496-8b5381ba2d70', { code: 'Healthy' })]).toBeCompliant(vnet);
    member.toBeNotApplicable(publicIp());
  });
});
