import { sharedParameters } from '../../src/catalog/zero-trust-parameters.js';
import { allOf, count, defineControl, deny, param, routeRoleIs, routeRoleTagNameParameter } from '../../src/dsl/index.js';

/**
 * ZT-HUB-12 (zero-trust-controls.md §4 step 3, §7.4 item 2): a spoke route table (tag `zt-route-role` = spoke) sends
 * 0.0.0.0/0 to a hub firewall private IP, so spoke egress is inspected. Companion guard:
 * zt-hub-12-no-internet-next-hop denies routes that bypass the firewall.
 */
export default defineControl({
  name: 'zt-hub-12-spoke-default-route-to-firewall',
  controlId: 'ZT-HUB-12',
  displayName: 'Spoke route tables must send the default route to the hub firewall',
  description: 'Audits route tables tagged for spoke subnets without a 0.0.0.0/0 route to a virtual appliance at a hub firewall private IP.',
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
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/routeTables'),
      routeRoleIs(p.routeRoleTagName, 'spoke'),
      count(
        field('Microsoft.Network/routeTables/routes[*]'),
        allOf(
          field('Microsoft.Network/routeTables/routes[*].addressPrefix').equals('0.0.0.0/0'),
          field('Microsoft.Network/routeTables/routes[*].nextHopType').equals('VirtualAppliance'),
          field('Microsoft.Network/routeTables/routes[*].nextHopIpAddress').in(p.firewallPrivateIps),
        ),
      ).equals(0),
    ),
    then: deny(p.effect),
  }),
  remediation: 'Add a route 0.0.0.0/0 -> VirtualAppliance -> <hub firewall private IP> to the spoke route table (ALZ Modify-UDR adds it to an empty table).',
  reason: 'Spoke egress that does not pass the firewall escapes threat intelligence, IDPS and TLS inspection.',
});
