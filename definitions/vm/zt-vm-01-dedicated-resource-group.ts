import { allOf, defineControl, deny, fn, param, value } from '../../src/dsl/index.js';

/**
 * ZT-VM-01 (zero-trust-controls.md §2): virtual machines live only in resource groups designated for VMs, marked
 * by a resource-group tag (default zt-unit=vm), so VM-specific RBAC and policy scope cleanly. No built-in exists.
 * `resourceGroup().tags[<name>]` is the mechanism the built-in tag-inheritance policies use (e.g. cd3aa116,
 * "Inherit a tag from the resource group if missing"). Reading a tag the group does not have is a template error
 * (the property does not exist), so the read is guarded with contains(): a VM in an untagged group compares ''
 * with the required value and is reported, instead of failing evaluation. ARM's if() evaluates only the branch
 * it takes (Learn, ARM template logical functions, if).
 */
export default defineControl({
  name: 'zt-vm-01-dedicated-resource-group',
  controlId: 'ZT-VM-01',
  displayName: 'Virtual machines must be in a resource group designated for virtual machines',
  description:
    'Reports virtual machines (and scale sets) whose resource group does not carry the designated tag value, so VMs stay in dedicated resource groups with their own role assignments.',
  principle: 'assume-breach',
  step: 1,
  unit: 'vm',
  version: '1.0.0',
  category: 'Compute',
  mode: 'Indexed',
  resourceType: 'Microsoft.Compute/virtualMachines',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
    resourceTypes: param.array({
      displayName: 'Resource types',
      description: 'Resource types that must live in a designated resource group.',
      defaultValue: ['Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachineScaleSets'],
    }),
    rgTagName: param.string({
      displayName: 'Resource group tag name',
      description: 'Name of the resource-group tag that designates the unit a resource group belongs to.',
      defaultValue: 'zt-unit',
    }),
    rgTagValue: param.string({
      displayName: 'Resource group tag value',
      description: 'Tag value that designates a resource group for virtual machines.',
      defaultValue: 'vm',
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').in(p.resourceTypes),
      value(
        fn.if(fn.contains(fn.resourceGroup().prop('tags'), p.rgTagName), fn.resourceGroup().prop('tags').at(p.rgTagName), ''),
      ).notEquals(p.rgTagValue),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Move the VM to a resource group tagged for virtual machines (az resource move), or tag its resource group if it is dedicated to VMs (az group update --tags zt-unit=vm).',
  reason: 'Dedicated resource groups keep VM role assignments and policies apart from other workloads, limiting the blast radius of a compromised identity.',
});
