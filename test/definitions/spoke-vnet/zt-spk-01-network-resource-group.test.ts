/**
 * ZT-SPK-01 (zero-trust-controls.md §3 step 2): network resources whose resource group is not tagged
 * zt-unit = spoke-network (or hub-network) are audited; resourceGroup() comes from the evaluation context.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/spoke-vnet/zt-spk-01-network-resource-group.js';
import spokeVnet from '../../../initiatives/spoke-vnet.js';
import { expectMember, expectPolicy, networkSecurityGroup, routeTable, storageAccount, virtualNetwork, wafPolicy } from '../../../src/testing/index.js';

const networkRg = { resourceGroup: { name: 'rg-spoke-network', tags: { 'zt-unit': 'spoke-network' } } };
const appRg = { resourceGroup: { name: 'rg-app', tags: { 'zt-unit': 'workload' } } };

describe('ZT-SPK-01 network resources in a dedicated resource group', () => {
  const policy = expectPolicy(control);

  it('audits a VNet and an NSG in a workload resource group, and in an untagged one', () => {
    policy.withContext(appRg).toAudit(virtualNetwork({}, { resourceGroup: 'rg-app' }));
    policy.withContext(appRg).toAudit(networkSecurityGroup({}, { resourceGroup: 'rg-app' }));
    policy.withContext({ resourceGroup: { name: 'rg-misc', tags: {} } }).toAudit(routeTable({}, { resourceGroup: 'rg-misc' }));
  });

  it('finds network resources in the spoke or hub network resource group compliant', () => {
    policy.withContext(networkRg).toBeCompliant(virtualNetwork());
    policy.withContext(networkRg).toBeCompliant(wafPolicy());
    policy.withContext({ resourceGroup: { name: 'rg-hub-network', tags: { 'zt-unit': 'hub-network' } } }).toBeCompliant(routeTable({}, { resourceGroup: 'rg-hub-network' }));
  });

  it('does not apply to storage accounts', () => {
    policy.withContext(appRg).toBeNotApplicable(storageAccount());
  });

  it('follows the tag name and the effect the initiative passes', () => {
    const member = expectMember(spokeVnet, control);
    member.withContext(networkRg).toBeCompliant(virtualNetwork());
    member.withContext(appRg).toAudit(virtualNetwork());
    expectMember(spokeVnet, control, { parameters: { rgTagName: 'network-unit', ztSpk01Effect: 'Deny' } })
      .withContext({ resourceGroup: { name: 'rg-spoke-network', tags: { 'network-unit': 'ops' } } })
      .toDeny(virtualNetwork());
  });
});
