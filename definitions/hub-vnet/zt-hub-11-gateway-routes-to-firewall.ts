import { sharedParameters } from '../../src/catalog/zero-trust-parameters.js';
import { allOf, count, countValue, current, defineControl, deny, param, routeRoleIs, routeRoleTagNameParameter } from '../../src/dsl/index.js';

/**
 * ZT-HUB-11 (zero-trust-controls.md §4 step 3, §7.4 item 2): the GatewaySubnet route table sends every spoke prefix
 * to the firewall, so traffic from on-premises is inspected on its way in. A route table does not say which
 * subnet it serves, so the role comes from a tag (`zt-route-role` = gateway, the hub's selector convention); the
 * spoke prefixes and firewall IPs are assignment facts. Violation: some spoke prefix without a route
 * <prefix> -> VirtualAppliance -> one of the firewall IPs. Route propagation stays on for this table (BGP routes
 * from on-premises are needed), so ZT-HUB-13 does not apply to it.
 */
export default defineControl({
  name: 'zt-hub-11-gateway-routes-to-firewall',
  controlId: 'ZT-HUB-11',
  displayName: 'The GatewaySubnet route table must send spoke prefixes to the firewall',
  description:
    'Audits route tables tagged for the GatewaySubnet that lack, for some spoke address prefix, a route to a virtual appliance at the hub firewall private IP.',
  principle: 'verify-explicitly',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/routeTables',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
    routeRoleTagName: routeRoleTagNameParameter,
    firewallPrivateIps: sharedParameters.firewallPrivateIps,
    spokeAddressPrefixes: sharedParameters.spokeAddressPrefixes,
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/routeTables'),
      routeRoleIs(p.routeRoleTagName, 'gateway'),
      countValue(p.spokeAddressPrefixes, {
        name: 'prefix',
        where: count(
          field('Microsoft.Network/routeTables/routes[*]'),
          allOf(
            field('Microsoft.Network/routeTables/routes[*].addressPrefix').equals(current('prefix')),
            field('Microsoft.Network/routeTables/routes[*].nextHopType').equals('VirtualAppliance'),
            field('Microsoft.Network/routeTables/routes[*].nextHopIpAddress').in(p.firewallPrivateIps),
          ),
        ).equals(0),
      }).greater(0),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Add one route per spoke prefix to the GatewaySubnet route table: next hop type VirtualAppliance, next hop the firewall private IP (ALZ Deploy-Custom-Route-Table is a template for it); keep gateway route propagation on.',
  reason: 'Without these routes traffic from on-premises reaches the spokes directly and the firewall sees only one direction (asymmetric routing, no inspection).',
});
