import { allOf, count, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-SPK-03 (zero-trust-controls.md §3, article step 4): every workload NIC is in an application security group, so
 * NSG rules can name VM roles instead of IP addresses. NICs that Azure creates for private endpoints carry
 * properties.privateEndpoint and cannot take an ASG on their ip configuration: they are left out. Policy can only
 * require *some* ASG, not the right one for the VM's role (§7.4 item 4).
 */
export default defineControl({
  name: 'zt-spk-03-nic-application-security-group',
  controlId: 'ZT-SPK-03',
  displayName: 'Workload network interfaces must belong to an application security group',
  description:
    'Audits (or denies) network interfaces none of whose IP configurations is a member of an application security group; private endpoint NICs are not applicable.',
  principle: 'least-privilege',
  unit: 'spoke-vnet',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/networkInterfaces',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/networkInterfaces'),
      field('Microsoft.Network/networkInterfaces/privateEndpoint.id').exists(false),
      count(field('Microsoft.Network/networkInterfaces/ipConfigurations[*].applicationSecurityGroups[*]')).equals(0),
    ),
    then: deny(p.effect),
  }),
  remediation: "Add the NIC's IP configuration to the application security group of the VM's role (for example asg-web, asg-app, asg-db).",
  reason: 'Rules written against role groups stay correct as VMs come and go; a NIC outside every ASG is only reachable through broad IP rules.',
});
