/**
 * ZT-MDC-09 (zero-trust-controls.md §5.2): every subscription has a security contact that emails the security
 * team about alerts (High+) and attack paths (Critical), through the custom deployIfNotExists as assigned.
 */
import { describe, it } from 'vitest';
import control from '../../../definitions/defender/zt-mdc-09-security-contacts.js';
const securityContacts = control;
import defender from '../../../initiatives/defender.js';
import { expectMember, expectPolicy, securityContact, storageAccount, subscription } from '../../../src/testing/index.js';
import { ASSIGNMENT } from './assignment.js';

describe('ZT-MDC-09 security contacts', () => {
  const policy = expectMember(defender, securityContacts, { parameters: ASSIGNMENT });
  const sub = subscription();
  const emails = ASSIGNMENT.securityContactEmails;

  it('deploys the contact where there is none', () => {
    policy.toDeployIfNotExists(sub, { related: [] });
  });

  it('deploys when the contact is off, mails someone else, or notifies on the wrong severities', () => {
    policy.toDeployIfNotExists(sub, { related: [securityContact({ emails, isEnabled: false })] });
    policy.toDeployIfNotExists(sub, { related: [securityContact({ emails: 'someone@contoso.com' })] });
    policy.toDeployIfNotExists(sub, { related: [securityContact({ emails, minimalSeverity: 'Low' })] });
    policy.toDeployIfNotExists(sub, { related: [securityContact({ emails, sources: [{ sourceType: 'Alert', minimalSeverity: 'High' }] })] });
  });

  it('finds the configured contact compliant', () => {
    policy.toBeCompliant(sub, { related: [securityContact({ emails })] });
  });

  it('follows the alert severity the assignment picks', () => {
    expectMember(defender, securityContacts, { parameters: { ...ASSIGNMENT, alertMinimalSeverity: 'Medium' } }).toDeployIfNotExists(sub, { related: [securityContact({ emails })] });
    expectMember(defender, securityContacts, { parameters: { ...ASSIGNMENT, alertMinimalSeverity: 'Medium' } }).toBeCompliant(sub, { related: [securityContact({ emails, minimalSeverity: 'Medium' })] });
  });

  it('only audits with AuditIfNotExists', () => {
    expectPolicy(control, { parameters: { emailSecurityContact: emails, effect: 'AuditIfNotExists' } }).toAuditIfNotExists(sub, { related: [] });
  });

  it('does not apply to resources inside the subscription', () => {
    policy.toBeNotApplicable(storageAccount());
  });
});
