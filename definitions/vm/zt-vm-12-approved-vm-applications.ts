import { allOf, count, countValue, defineControl, deny, expr, fn, param } from '../../src/dsl/index.js';

/**
 * ZT-VM-12 (zero-trust-controls.md §2): VM Applications come only from approved Azure Compute Galleries. No
 * built-in exists. For each entry of `applicationProfile.galleryApplications`, the package reference id
 * (…/galleries/<g>/applications/<a>/versions/<v>) must start with one of the approved gallery ids: a count over the
 * parameter array nested in the count over the applications. The alias is community-verified (catalog §0); the
 * vendored alias catalog lists it.
 */
export default defineControl({
  name: 'zt-vm-12-approved-vm-applications',
  controlId: 'ZT-VM-12',
  displayName: 'VM Applications must come from approved Compute Galleries',
  description:
    'Reports virtual machines that reference a VM Application whose package is not in one of the approved Azure Compute Galleries, so only vetted software is installed.',
  principle: 'least-privilege',
  step: 5,
  unit: 'vm',
  version: '1.0.0',
  category: 'Compute',
  mode: 'Indexed',
  resourceType: 'Microsoft.Compute/virtualMachines',
  parameters: {
    effect: param.effect(['Audit', 'Deny', 'Disabled'], 'Audit'),
    approvedGalleryIds: param.array({
      displayName: 'Approved Compute Galleries',
      description: 'Resource ids of the Azure Compute Galleries VM Applications may come from. Empty: every VM Application is reported.',
      defaultValue: [],
    }),
  },
  rule: ({ field, p }) => ({
    if: allOf(
      field('type').equals('Microsoft.Compute/virtualMachines'),
      count(
        field('Microsoft.Compute/virtualMachines/applicationProfile.galleryApplications[*]'),
        countValue(p.approvedGalleryIds, {
          name: 'gallery',
          where: field('Microsoft.Compute/virtualMachines/applicationProfile.galleryApplications[*].packageReferenceId').like(
            fn.concat(expr<'string'>("[current('gallery')]"), '/*'),
          ),
        }).equals(0),
      ).greater(0),
    ),
    then: deny(p.effect),
  }),
  remediation:
    'Publish the application to an approved Compute Gallery and reference that version, or add the gallery to approvedGalleryIds after review.',
  reason: 'Least privilege for software: only applications from curated galleries run on VMs, so an attacker cannot side-load tooling through VM Applications.',
});
