/** ZT-HUB-12 guard: spoke route tables may not hold Internet or gateway next hops (App Gateway tables may). */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-12-no-internet-next-hop.js';
import { expectPolicy, routeObject, routeTable, virtualNetwork } from '../../../src/testing/index.js';

const fw = routeObject('default-to-firewall', '0.0.0.0/0', 'VirtualAppliance', '10.0.1.4');

describe('ZT-HUB-12 no next hop around the firewall', () => {
  const policy = expectPolicy(control);

  it('denies a spoke table with a route to the Internet or to the gateway, even beside the firewall route', () => {
    policy.toDeny(routeTable({ routes: [fw, routeObject('saas', '20.50.0.0/16', 'Internet')] }));
    policy.toDeny(routeTable({ routes: [fw, routeObject('onprem', '192.168.0.0/16', 'VirtualNetworkGateway')] }));
  });

  it('finds the spoke table with only firewall and local routes compliant', () => {
    policy.toBeCompliant(routeTable({ routes: [fw, routeObject('local', '10.1.0.0/16', 'VnetLocal')] }));
  });

  it('leaves App Gateway tables (0.0.0.0/0 -> Internet is required there) out', () => {
    policy.toBeCompliant(routeTable({ routes: [routeObject('default', '0.0.0.0/0', 'Internet')] }, { tags: { 'zt-route-role': 'appgw' } }));
  });

  it('does not apply to virtual networks', () => {
    policy.toBeNotApplicable(virtualNetwork());
  });
});
