import { allOf, defineControl, deny, param } from '../../src/dsl/index.js';

/**
 * ZT-VM-13 (zero-trust-controls.md §2): VMs are reached through Bastion, never through a public IP on their
 * network interface. Built-in 83a86a26 has a fixed deny; this control adds the effect parameter so it can be
 * rolled out in audit mode first. A count (not a `[*]` field condition) is used on purpose: a field condition
 * over `[*]` is vacuously true for a NIC without ipConfigurations (policy-semantics.md §4.3).
 */
export default defineControl({
  name: 'zt-vm-13-no-public-ip-on-nic',
  controlId: 'ZT-VM-13',
  displayName: 'Network interfaces must not have public IP addresses',
  description:
    'Denies network interfaces with an IP configuration that references a public IP address. Administrative access to virtual machines goes through Azure Bastion.',
  principle: 'verify-explicitly',
  unit: 'vm',
  version: '1.0.0',
  category: 'Network',
  mode: 'Indexed',
  resourceType: 'Microsoft.Network/networkInterfaces',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Deny'),
  },
  rule: ({ field, count, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Network/networkInterfaces'),
      count(
        field('Microsoft.Network/networkInterfaces/ipConfigurations[*]'),
        field('Microsoft.Network/networkInterfaces/ipconfigurations[*].publicIpAddress.id').exists(true),
      ).greater(0),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Remove the public IP address from the NIC (az network nic ip-config update --remove publicIpAddress) and reach the VM through Azure Bastion. Network virtual appliances that need a public IP get a policy exemption.',
  reason: 'A public IP on a VM NIC exposes management and workload ports directly to the internet, bypassing the hub firewall and Bastion.',
});
