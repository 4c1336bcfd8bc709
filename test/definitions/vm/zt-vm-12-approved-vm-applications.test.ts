/**
 * ZT-VM-12 (zero-trust-controls.md §2): VM Applications only from approved Compute Galleries (nested count over the
 * VM's gallery applications and the approvedGalleryIds parameter).
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/vm/zt-vm-12-approved-vm-applications.js';
import vm from '../../../initiatives/vm.js';
import { disk, expectMember, expectPolicy, virtualMachine } from '../../../src/testing/index.js';

const galleries = '/subscriptions/00000000-0000-0000-0000-00000000a11c/resourceGroups/rg-images/providers/Microsoft.Compute/galleries';
const approved = `${galleries}/gal_zt_approved`;
const app = (gallery: string, name = 'agent') => ({ packageReferenceId: `${gallery}/applications/${name}/versions/1.0.0`, order: 1 });
const withApps = (...apps: ReturnType<typeof app>[]) => virtualMachine({ applicationProfile: { galleryApplications: apps } });

describe('ZT-VM-12 approved VM Applications', () => {
  const policy = expectPolicy(control).withParameters({ approvedGalleryIds: [approved] });

  it('audits a VM with an application from an unapproved gallery, even next to approved ones', () => {
    policy.toAudit(withApps(app(`${galleries}/gal_team`)));
    policy.toAudit(withApps(app(approved), app(`${galleries}/gal_team`, 'tool')));
  });

  it('does not let a gallery whose name only starts like an approved one pass', () => {
    policy.toAudit(withApps(app(`${approved}2`)));
  });

  it('finds a VM with approved applications only, or none, compliant', () => {
    policy.toBeCompliant(withApps(app(approved), app(approved, 'monitor')));
    policy.toBeCompliant(virtualMachine());
  });

  it('does not apply to a disk', () => {
    policy.toBeNotApplicable(disk());
  });

  it('as zt-vm assigns it with no approved gallery yet, reports every VM application', () => {
    expectMember(vm, control).toAudit(withApps(app(approved)));
    expectMember(vm, control, { parameters: { approvedGalleryIds: [approved] } }).toBeCompliant(withApps(app(approved)));
  });
});
