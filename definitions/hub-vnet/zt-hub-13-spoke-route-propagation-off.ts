import { allOf, defineControl, deny, param, routeRoleIs, routeRoleTagNameParameter } from '../../src/dsl/index.js';

/**
 * ZT-HUB-13 (zero-trust-controls.md §4 step 3): spoke route tables (tag `zt-route-role` = spoke) disable gateway
 * route propagation, so BGP routes from on-premises cannot override the default route to the firewall. The
 * GatewaySubnet table keeps propagation (ZT-HUB-11) and is not tagged spoke. A missing property means propagation
 * is on (the API default is false for disableBgpRoutePropagation).
 */
export default defineControl({
  name: 'zt-hub-13-spoke-route-propagation-off',
  controlId: 'ZT-HUB-13',
  displayName: 'Spoke route tables must disable gateway route propagation',
  description: 'Denies route tables tagged for spoke subnets whose disableBgpRoutePropagation is not true.',
  principle: 'verify-explicitly',
  unit: 'hub-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/routeTables',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
    routeRoleTagName: routeRoleTagNameParameter,
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/routeTables'),
      routeRoleIs(p.routeRoleTagName, 'spoke'),
      field('Microsoft.Network/routeTables/disableBgpRoutePropagation').notEquals(true),
    ),
    then: deny(p.effect),
  }),
  remediation: "Set disableBgpRoutePropagation to true on the spoke route table (portal: Route table > Configuration > Propagate gateway routes: No).",
  reason: 'Propagated on-premises routes are more specific than 0.0.0.0/0 and would send spoke traffic to the gateway, around the firewall.',
});
