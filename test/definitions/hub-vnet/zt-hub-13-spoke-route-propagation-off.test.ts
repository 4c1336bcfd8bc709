/** ZT-HUB-13 (zero-trust-controls.md §4): spoke route tables disable gateway route propagation; gateway tables keep it. */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-13-spoke-route-propagation-off.js';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { expectMember, expectPolicy, routeTable, subnet } from '../../../src/testing/index.js';

describe('ZT-HUB-13 gateway route propagation off on spoke route tables', () => {
  const policy = expectPolicy(control);

  it('denies a spoke table that propagates gateway routes, or does not say (API default: propagate)', () => {
    policy.toDeny(routeTable({ disableBgpRoutePropagation: false }));
    policy.toDeny(routeTable({ disableBgpRoutePropagation: undefined }));
  });

  it('finds a spoke table with propagation off compliant', () => {
    policy.toBeCompliant(routeTable());
  });

  it('leaves the GatewaySubnet table (propagation needed) out', () => {
    policy.toBeCompliant(routeTable({ disableBgpRoutePropagation: false }, { tags: { 'zt-route-role': 'gateway' } }));
  });

  it('audits during rollout when the initiative says so', () => {
    expectMember(hubVnet, control, { parameters: { firewallPrivateIps: ['10.0.1.4'], spokeAddressPrefixes: ['10.1.0.0/16'], ztHub13Effect: 'Audit' } }).toAudit(
      routeTable({ disableBgpRoutePropagation: false }),
    );
  });

  it('does not apply to subnets', () => {
    policy.toBeNotApplicable(subnet());
  });
});
