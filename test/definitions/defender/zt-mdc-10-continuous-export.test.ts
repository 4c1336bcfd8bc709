/**
 * ZT-MDC-10 (zero-trust-controls.md §5.2): Defender for Cloud continuous export to the central workspace through
 * built-in ffb6f416, whose deployIfNotExists effect is fixed (no effect parameter).
 */
import { describe, it } from 'vitest';
import { builtin } from '../../../src/catalog/builtins.js';
import defender from '../../../initiatives/defender.js';
import { expectMember, securityExportAutomation, storageAccount, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT } from './assignment.js';

// The event sources of the built-in's default exportedDataTypes (its dataTypeMap), plus SubAssessments for
// isSecurityFindingsEnabled (default true).
const ALL_SOURCES = [
  'Assessments', 'Alerts', 'SecureScores', 'SecureScoreControls', 'RegulatoryComplianceAssessment', 'SecureScoresSnapshot',
  'SecureScoreControlsSnapshot', 'RegulatoryComplianceAssessmentSnapshot', 'AssessmentsSnapshot', 'SubAssessmentsSnapshot', 'SubAssessments',
];

describe('ZT-MDC-10 continuous export', () => {
  const policy = expectMember(defender, builtin.deployExportToLogAnalyticsWorkspaceForMicrosoftDefenderForCloudData, { parameters: ASSIGNMENT });
  const sub = subscription();

  it('deploys the export where there is none', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
  });

  it('deploys when the export is disabled or leaves data types out', () => {
    policy.toDeployIfNotExists(sub, { related: [securityExportAutomation(ALL_SOURCES, { isEnabled: false })] });
    policy.toDeployIfNotExists(sub, { related: [securityExportAutomation(['Assessments', 'Alerts'])] });
  });

  it('finds an enabled export of every data type compliant', () => {
    policy.toBeCompliant(sub, { related: [securityExportAutomation(ALL_SOURCES)] });
  });

  it('does not apply to resources inside the subscription', () => {
    policy.toBeNotApplicable(storageAccount());
  });
});
