/**
 * ZT-VM-16 (zero-trust-controls.md §2): periodic update assessment, through built-in 59efceea (fixed Modify,
 * referenced once per OS with assessmentMode AutomaticByPlatform) and bd876905 (audit, ztVm16Effect default Audit)
 * as zt-vm assigns them.
 */
import { describe, it } from 'vitest';
import vm from '../../../initiatives/vm.js';
import { builtin } from '../../../src/catalog/builtins.js';
import { disk, expectMember, virtualMachine } from '../../../src/testing/index.js';

const imageDefault = (os: 'Windows' | 'Linux') =>
  virtualMachine(
    os === 'Windows'
      ? { osProfile: { windowsConfiguration: { patchSettings: { patchMode: 'AutomaticByOS', assessmentMode: 'ImageDefault' } } } }
      : { osProfile: { linuxConfiguration: { patchSettings: { patchMode: 'ImageDefault', assessmentMode: 'ImageDefault' } } } },
    { os },
  );
const write = { apiVersion: '2024-07-01' };
const modify = builtin.configurePeriodicCheckingForMissingSystemUpdatesOnAzureVirtualMachines;

describe('ZT-VM-16 update assessment (built-ins 59efceea, bd876905 in zt-vm)', () => {
  const windows = expectMember(vm, modify, { referenceId: 'zt-vm-16-periodic-update-assessment-windows-59efceea' });
  const linux = expectMember(vm, modify, { referenceId: 'zt-vm-16-periodic-update-assessment-linux-59efceea' });
  const audit = expectMember(vm, builtin.machinesShouldBeConfiguredToPeriodicallyCheckForMissingSystemUpdates);

  it('sets AutomaticByPlatform assessment on a VM of its OS that uses the image default', () => {
    windows.toModify(imageDefault('Windows'), [{ field: 'Microsoft.Compute/virtualMachines/osProfile.windowsConfiguration.patchSettings.assessmentMode', value: 'AutomaticByPlatform' }], write);
    linux.toModify(imageDefault('Linux'), [{ field: 'Microsoft.Compute/virtualMachines/osProfile.linuxConfiguration.patchSettings.assessmentMode', value: 'AutomaticByPlatform' }], write);
  });

  it('leaves VMs that already assess automatically, or run the other OS, alone', () => {
    windows.toBeCompliant(virtualMachine({}, { os: 'Windows' }), write);
    linux.toBeCompliant(virtualMachine({}, { os: 'Linux' }), write);
    windows.toBeCompliant(imageDefault('Linux'), write);
  });

  it('audits a VM without periodic assessment and accepts one with it', () => {
    audit.toAudit(imageDefault('Linux'));
    audit.toBeCompliant(virtualMachine({}, { os: 'Linux' }));
  });

  it('does not apply to a disk', () => {
    windows.toBeNotApplicable(disk());
    audit.toBeNotApplicable(disk());
  });
});
