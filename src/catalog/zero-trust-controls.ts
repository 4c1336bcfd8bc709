/**
 * The Zero Trust control catalog this project implements: every id of ../shared/design/zero-trust-controls.md
 * §7.2 ("Controls by id", 69 ids; MDC-01…08 expanded) with its unit, principles, the catalog's implementation
 * note and proposed effect, plus the §7.3 recommendations that are not Azure Policy, each with what to do
 * instead and where in Azure. Paraphrased from the catalog (itself a paraphrase of Microsoft's "Apply Zero Trust
 * principles to Azure IaaS" articles, MicrosoftDocs/security snapshot 4f8843d2).
 *
 * An implemented id needs no status here: the build derives custom / built-in / both from the umbrella's
 * members. `status` is only for ids that are not a policy (with why) or not implemented yet (`pending`, reported
 * as a warning and shown as MISSING in coverage.md). Editing this list is a reviewable change of the promise.
 */
import { defineControlCatalog, type CatalogControl, type PendingStatus } from '../dsl/control-catalog.js';
import type { Principle, Unit } from '../model.js';

const P: Record<string, Principle> = { VE: 'verify-explicitly', LP: 'least-privilege', AB: 'assume-breach' };
const UNIT: Record<string, Unit> = { STG: 'storage', VM: 'vm', SPK: 'spoke-vnet', HUB: 'hub-vnet', MDC: 'defender', MON: 'monitoring' };

const pending = (why = 'not implemented yet in this repository'): PendingStatus => ({ kind: 'pending', why });

/** One §7.2 row: 'STG-01', title, 'AB' or 'VE, LP', implementation note, proposed effect[, status]. */
function row(id: string, title: string, principles: string, implementation: string, proposedEffect: string, status?: CatalogControl['status']): CatalogControl {
  const unit = UNIT[id.split('-')[0]!];
  if (unit === undefined) throw new Error(`catalog row ${id}: unknown unit prefix`);
  return {
    id: `ZT-${id}`,
    title,
    unit,
    principles: principles.split(',').map((s) => {
      const p = P[s.trim()];
      if (p === undefined) throw new Error(`catalog row ${id}: unknown principle ${s}`);
      return p;
    }),
    implementation,
    proposedEffect,
    ...(status === undefined ? {} : { status }),
  };
}

export default defineControlCatalog({
  name: 'Zero Trust for Azure IaaS',
  source: '../shared/design/zero-trust-controls.md §7.2 (controls by id) and §7.3 (not Azure Policy)',
  controls: [
    row('STG-01', 'HTTPS only', 'AB', 'BI 404c3081 (+Modify f81e3117)', 'Deny'),
    row('STG-02', 'Min TLS 1.2', 'AB', 'BI fe83a0eb', 'Deny'),
    row('STG-03', 'SMB 3.x only', 'AB', 'Custom (ALZ)', 'Deny'),
    row('STG-04', 'SMB AES-GCM channel encryption', 'AB', 'Custom (ALZ)', 'Deny'),
    row('STG-05', 'No anonymous blob access', 'AB', 'BI 4fa4b6c0 (+Modify 13502221)', 'Deny'),
    row('STG-06', 'No Shared Key auth', 'AB, VE', 'BI 8c6a50c6', 'Audit→Deny'),
    row('STG-07', 'Copy scope restricted', 'AB', 'Custom (ALZ)', 'Deny'),
    row('STG-08', 'No cross-tenant replication', 'AB', 'BI 92a89a79', 'Deny'),
    row('STG-09', 'Infrastructure encryption', 'AB', 'BI 4733ea7b', 'Deny'),
    row('STG-10', 'CMK', 'AB', 'BI 6fac406b', 'Audit'),
    row('STG-11', 'SAS expiration policy', 'VE, LP', 'BI bc1b984e (7aa1c9d5, 044985bb)', 'Audit→Deny'),
    row('STG-12', 'Public network access off', 'AB', 'BI b2982f36 (+Modify a06d0189)', 'Deny'),
    row('STG-13', 'Firewall default Deny', 'AB', 'BI 34c877ad', 'Deny'),
    row('STG-14', 'Private endpoint', 'AB', 'BI 6edd7eda (+DINE 9f766f00)', 'AINE'),
    row('STG-15', 'PE private DNS', 'AB', 'BI 75973700, 6df98d03', 'DINE'),
    row('STG-16', 'Storage logs → LA', 'AB', 'BI b4fe1a3b, 25a70cc8, 59759c62', 'DINE'),
    row('VM-01', 'Dedicated VM RG', 'AB', 'Custom', 'Audit'),
    row('VM-02', 'System-assigned MI', 'VE, LP', 'BI 3cf2ab00 / 17b3de92 (+e4953962)', 'Modify'),
    row('VM-03', 'Entra login extension', 'VE, LP', 'Custom', 'AINE'),
    row('VM-04', 'Trusted Launch / CVM', 'AB', 'BI c95b54ad + custom deny', 'Deny'),
    row('VM-05', 'Secure Boot', 'AB', 'BI 97566dd7, b1bb3592 (+DINE)', 'Audit'),
    row('VM-06', 'vTPM', 'AB', 'BI 1c30f9cd (+DINE e494853f)', 'Audit'),
    row('VM-07', 'Guest Attestation', 'AB', 'BI 98ea2fc7, 6074e9a3 (+AINE)', 'DINE'),
    row('VM-08', 'DES double encryption', 'AB', 'BI ca91455f', 'Deny'),
    row('VM-09', 'CMK disks / approved DES', 'AB', 'BI 702dd420, d461a302', 'Deny'),
    row('VM-10', 'Encryption at host', 'AB', 'BI fc4d8e41', 'Deny'),
    row('VM-11', 'Approved extensions', 'LP', 'BI c0e996f8', 'Audit→Deny'),
    row('VM-12', 'Approved VM Applications', 'LP', 'Custom', 'Audit'),
    row('VM-13', 'No NIC public IP', 'VE, LP, AB', 'BI 83a86a26 (fixed)', 'Deny'),
    row('VM-14', 'Mgmt ports closed / JIT', 'LP, AB', 'BI b0f33259, 22730e10', 'AINE'),
    row('VM-15', 'Anti-malware', 'AB', 'BI 2835b622 (+9b597639, c43e4a30)', 'DINE'),
    row('VM-16', 'Update assessment + patching', 'AB', 'BI 59efceea, ba0df93e (+bd876905, f85bf3e0)', 'Modify'),
    row('VM-17', 'Vulnerability assessment', 'AB', 'BI 13ce0167 (+766e621d, 501541f7)', 'DINE'),
    row('SPK-01', 'Dedicated network RG', 'AB', 'Custom', 'Audit'),
    row('SPK-02', 'NSG on every subnet', 'LP, AB', 'Custom (ALZ) + BI e71308d3', 'Deny'),
    row('SPK-03', 'NIC in an ASG', 'VE, LP, AB', 'Custom', 'Audit→Deny'),
    row('SPK-04', 'DenyAllInbound @4096', 'VE, LP, AB', 'Custom', 'Modify'),
    row('SPK-05', 'DenyAllOutbound @4096', 'VE, LP, AB', 'Custom', 'Modify'),
    row('SPK-06', 'No RDP/SSH from Internet', 'LP', 'Custom (ALZ)', 'Deny'),
    row('SPK-07', 'No any-source allows', 'LP, AB', 'BI 9daedab3 + custom', 'Audit'),
    row('SPK-08', 'VNet flow logs + TA', 'AB', 'BI 3e9965dc (+audits)', 'DINE'),
    row('SPK-09', 'NSG logs → LA', 'AB', 'BI 98a2e215', 'DINE'),
    row('SPK-10', 'WAF on App Gateway', 'VE, AB', 'BI 564feb30, ff1f1879', 'Deny'),
    row('SPK-11', 'WAF Prevention + body check', 'VE, AB', 'BI 12430be1, ca85ef9a', 'Deny'),
    row('SPK-12', 'Subnets have UDR', 'VE, AB', 'Custom (ALZ)', 'Deny'),
    row('HUB-01', 'Firewall Premium', 'VE, LP, AB', 'BI 8c19196d + custom', 'Deny'),
    row('HUB-02', 'Firewall uses policy', 'VE, LP, AB', 'BI 794d77cc', 'Deny'),
    row('HUB-03', 'Premium firewall policy', 'VE, LP, AB', 'Custom', 'Deny'),
    row('HUB-04', 'Threat intel Deny', 'VE, AB', 'BI da79a7e2 (partial) + custom', 'Deny'),
    row('HUB-05', 'IDPS Deny', 'VE, AB', 'Custom', 'Deny'),
    row('HUB-06', 'TLS inspection CA', 'VE', 'Custom', 'Audit→Deny'),
    row('HUB-07', 'App rules terminate TLS', 'VE, AB', 'Custom', 'Audit'),
    row('HUB-08', 'Firewall/Bastion logs', 'AB', 'BI 5fcf46f9, f8352124', 'DINE'),
    row('HUB-09', 'DDoS on all VNets', 'VE, LP, AB', 'BI 94de2ad3 (+a7aca53f, ALZ plan DINE)', 'Modify'),
    row('HUB-10', 'DDoS logs on public IPs', 'AB', 'BI 752154a7', 'DINE'),
    row('HUB-11', 'GatewaySubnet → firewall', 'VE, LP, AB', 'Custom', 'Audit'),
    row('HUB-12', 'Spoke 0/0 → firewall', 'VE, LP, AB', 'Custom + ALZ + BI fc5e4038', 'Audit (+Deny guard)'),
    row('HUB-13', 'Propagation disabled', 'VE, LP, AB', 'Custom', 'Deny'),
    row('MDC-01', 'Defender CSPM plan', 'AB', 'BI 72f8cee7', 'DINE'),
    row('MDC-02', 'Defender for Servers P2', 'AB, VE', 'BI 5eb6d64a (+MDE integration da56d295)', 'DINE'),
    row('MDC-03', 'Defender for Storage V2 + malware scanning', 'AB', 'BI cfdc5972', 'DINE'),
    row('MDC-04', 'Defender for Key Vault', 'AB', 'BI 1f725891', 'DINE'),
    row('MDC-05', 'Defender for Resource Manager', 'AB, VE', 'BI b7021b2b', 'DINE'),
    row('MDC-06', 'Defender for SQL (PaaS and on machines)', 'AB', 'BI b99b73e7, 50ea7265', 'DINE'),
    row('MDC-07', 'Defender for Containers (optional, off by default)', 'AB', 'BI c9ddb292', 'DINE'),
    row('MDC-08', 'Defender for App Service (optional, off by default)', 'AB', 'BI b40e7bcd', 'DINE'),
    row('MDC-09', 'Security contacts', 'AB', 'Custom (ALZ) + BI audits', 'DINE'),
    row('MDC-10', 'Continuous export', 'AB', 'BI ffb6f416 (fixed)', 'DINE'),
    row('MON-01', 'Activity log → LA', 'AB', 'BI 2465583e', 'DINE'),
  ],
  notPolicy: [
    {
      key: 'np-mfa-conditional-access',
      title: 'MFA, Conditional Access, privileged access workstations, device compliance',
      source: 'VM step 6, spoke step 6',
      why: 'Sign-in conditions are evaluated by Microsoft Entra ID at token issuance; Azure Policy only sees Azure Resource Manager resources.',
      instead: 'Require MFA and compliant or privileged-access devices for administrators and for VM sign-in (Entra login extension of ZT-VM-03) with Conditional Access policies.',
      where: 'Microsoft Entra admin center > Protection > Conditional Access; Intune device compliance policies',
    },
    {
      key: 'np-rbac-pim',
      title: 'RBAC role choices, the "Network Management" custom role, group-based assignment, PIM',
      source: 'VM step 2, spoke step 1',
      why: 'Who may do what is Azure RBAC and Entra ID Governance data, not a property of the governed resources.',
      instead: 'Assign Virtual Machine Administrator/User Login and a custom network role to groups, make privileged roles eligible (just-in-time) with PIM, and review them regularly.',
      where: 'Azure portal > Access control (IAM) on the management group/subscription; Microsoft Entra admin center > Identity Governance > Privileged Identity Management',
    },
    {
      key: 'np-app-specific-flows',
      title: 'Application-specific NSG/ASG rules and the management FQDN allow-list',
      source: 'spoke step 5',
      why: 'Which seven flows an application needs is workload knowledge; policy can forbid broad rules (ZT-SPK-06/07) but not prove the right ones exist.',
      instead: 'Define the per-tier NSG rules with application security groups and the management FQDN allow-list in the workload infrastructure-as-code, reviewed with the application team.',
      where: 'Workload IaC (Bicep/Terraform) for Microsoft.Network/networkSecurityGroups and applicationSecurityGroups; Azure Firewall Policy application rules',
    },
    {
      key: 'np-firewall-alerting-filtering',
      title: 'Firewall alert rules and workbook, URL and web-category filtering',
      source: 'hub step 1',
      why: 'Alert rules, workbooks and per-URL allow/deny lists are operational content, not a resource property policy can require.',
      instead: 'Deploy Azure Monitor alert rules and the Azure Firewall workbook on the central workspace, and maintain URL/web-category rules in the Firewall Policy.',
      where: 'Azure Monitor > Alerts and Workbooks (Log Analytics workspace of ZT-HUB-08); Firewall Policy > Application rules / Web categories',
    },
    {
      key: 'np-private-link-approval',
      title: 'Private Link approval workflow',
      source: 'storage step 3',
      why: 'Approving a private endpoint connection is a manual decision of the resource owner, not a configuration policy can check.',
      instead: 'Approve or reject pending private endpoint connections as part of the change process; ZT-STG-12/14 make the private path the only one.',
      where: 'Azure portal > storage account > Networking > Private endpoint connections (or Private Link Center)',
    },
    {
      key: 'np-retired-mdc-features',
      title: 'Adaptive application controls, adaptive network hardening, file integrity monitoring',
      source: 'VM and hub steps (Defender for Cloud features)',
      why: 'Adaptive application controls and adaptive network hardening are retired and their built-ins deprecated; FIM has no Azure Policy surface (it is a Defender for Servers P2 setting).',
      instead: 'Rely on Defender for Servers P2 (ZT-MDC-02, FIM via the MDE-based integration) and the explicit NSG rules of ZT-SPK-06/07.',
      where: 'Microsoft Defender for Cloud > Environment settings > Defender plans > Servers > Settings',
    },
  ],
});
