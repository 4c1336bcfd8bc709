import { allOf, count, defineControl, deny, param, routeRoleIs, routeRoleTagNameParameter } from '../../src/dsl/index.js';

/**
 * ZT-HUB-12 guard (zero-trust-controls.md §4, reference ALZ Deny-UDR-With-Specific-NextHop): a spoke route table
 * (tag `zt-route-role` = spoke) has no route whose next hop bypasses the firewall (Internet, or the virtual network
 * gateway). App Gateway tables (role appgw) need 0.0.0.0/0 -> Internet and are not tagged spoke. Checked on the
 * route table, whose GET lists routes created as child resources too: a route PUT on its own is not seen at
 * request time (the child has no tags to tell its table's role), but the table's compliance scan reports it.
 */
export default defineControl({
  name: 'zt-hub-12-no-internet-next-hop',
  controlId: 'ZT-HUB-12',
  displayName: 'Spoke route tables must not route around the firewall',
  description: 'Denies route tables tagged for spoke subnets that hold a route with a forbidden next hop type (Internet or VirtualNetworkGateway by default).',
  principle: 'verify-explicitly',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/routeTables',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    routeRoleTagName: routeRoleTagNameParameter,
    forbiddenNextHopTypes: param.array({
      displayName: 'Forbidden next hop types',
      description: 'Next hop types a spoke route may not use.',
      defaultValue: ['Internet', 'VirtualNetworkGateway'],
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/routeTables'),
      routeRoleIs(p.routeRoleTagName, 'spoke'),
      count(field('Microsoft.Network/routeTables/routes[*]'), field('Microsoft.Network/routeTables/routes[*].nextHopType').in(p.forbiddenNextHopTypes)).greater(0),
    ),
    then: deny(p.effect),
  }),
  remediation: 'Remove the route, or send it to the hub firewall (VirtualAppliance); give App Gateway subnets their own route table tagged appgw.',
  reason: 'A single Internet or gateway next hop on a spoke subnet bypasses the firewall for that prefix.',
});
