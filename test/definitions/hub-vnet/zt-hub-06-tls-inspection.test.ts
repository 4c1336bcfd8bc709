/** ZT-HUB-06 (zero-trust-controls.md §4): a Premium policy without a TLS inspection CA is audited (Deny later). */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-06-tls-inspection.js';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { azureFirewall, expectMember, expectPolicy, firewallPolicy } from '../../../src/testing/index.js';

describe('ZT-HUB-06 TLS inspection configured', () => {
  const policy = expectPolicy(control);

  it('audits a Premium policy without a certificate authority', () => {
    policy.toAudit(firewallPolicy({ transportSecurity: undefined }));
    policy.toAudit(firewallPolicy({ transportSecurity: { certificateAuthority: undefined } }));
  });

  it('finds a policy with a Key Vault CA compliant', () => {
    policy.toBeCompliant(firewallPolicy());
  });

  it('denies once the initiative switches it to Deny', () => {
    expectMember(hubVnet, control, { parameters: { ztHub06Effect: 'Deny' } }).toDeny(firewallPolicy({ transportSecurity: undefined }));
  });

  it('does not apply to firewalls', () => {
    policy.toBeNotApplicable(azureFirewall());
  });
});
