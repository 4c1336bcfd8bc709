/**
 * ZT-HUB-11 (zero-trust-controls.md §4, §7.4 item 2): the GatewaySubnet route table (role tag gateway) needs,
 * per spoke prefix, a route to a virtual appliance at a firewall IP; spoke tables are judged by ZT-HUB-12/13.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/hub-vnet/zt-hub-11-gateway-routes-to-firewall.js';
import hubVnet from '../../../initiatives/hub-vnet.js';
import { expectMember, expectPolicy, route, routeObject, routeTable } from '../../../src/testing/index.js';

const facts = { firewallPrivateIps: ['10.0.1.4', '10.100.1.4'], spokeAddressPrefixes: ['10.1.0.0/16', '10.2.0.0/16'] };
const gatewayTable = (...routes: ReturnType<typeof routeObject>[]) =>
  routeTable({ disableBgpRoutePropagation: false, routes }, { name: 'rt-gateway', resourceGroup: 'rg-hub-network', tags: { 'zt-route-role': 'gateway' } });
const toFw = (prefix: string, ip = '10.0.1.4') => routeObject(`to-${prefix.split('/')[0]}`, prefix, 'VirtualAppliance', ip);

describe('ZT-HUB-11 GatewaySubnet routes spoke prefixes to the firewall', () => {
  const policy = expectPolicy(control, { parameters: facts });

  it('audits a gateway table missing one spoke prefix', () => {
    policy.toAudit(gatewayTable(toFw('10.1.0.0/16')));
  });

  it('audits a route for the prefix that goes elsewhere (wrong IP, or not to an appliance)', () => {
    policy.toAudit(gatewayTable(toFw('10.1.0.0/16'), toFw('10.2.0.0/16', '10.0.2.4')));
    policy.toAudit(gatewayTable(toFw('10.1.0.0/16'), routeObject('to-spoke2', '10.2.0.0/16', 'VnetLocal')));
  });

  it('finds a table with every spoke prefix to a firewall IP compliant (either hub firewall)', () => {
    policy.toBeCompliant(gatewayTable(toFw('10.1.0.0/16'), toFw('10.2.0.0/16', '10.100.1.4')));
  });

  it('finds spoke and untagged route tables compliant (a role is only known from the tag; a tag does not decide applicability)', () => {
    policy.toBeCompliant(routeTable());
    policy.toBeCompliant(routeTable({ routes: [] }, { tags: {} }));
  });

  it('does not apply to a route resource', () => {
    policy.toBeNotApplicable(route());
  });

  it('takes the facts and the tag name from the initiative', () => {
    const member = expectMember(hubVnet, control, { parameters: { ...facts, routeRoleTagName: 'route-role' } });
    member.toAudit(routeTable({ routes: [] }, { tags: { 'route-role': 'gateway' } }));
    member.toBeCompliant(gatewayTable());
  });
});
