/**
 * Codes of the publisher: ZT8xxx (README "Error codes": each module owns one range, a code is never reused for
 * another meaning; test/errors.test.ts pins it). ZT80xx: bad input found before any request (config, generated
 * content, command line; exit 2). ZT81xx: plan findings (blockers refuse the publish, warnings are shown).
 * ZT82xx: Azure refused or failed (exit 3).
 */
export const PublisherCode = {
  /** The config file does not exist. */
  configNotFound: 'ZT8000',
  /** A config value does not match the config schema (one diagnostic per problem). */
  configInvalid: 'ZT8001',
  /** The config file is not JSON. */
  configNotJson: 'ZT8002',
  /** A file listed in generated/manifest.json is missing. */
  contentFileMissing: 'ZT8010',
  /** A generated file is not JSON. */
  contentNotJson: 'ZT8011',
  /** generated/manifest.json is missing. */
  manifestNotFound: 'ZT8012',
  /** generated/manifest.json has no definitions/initiatives arrays. */
  manifestShape: 'ZT8013',
  /** A generated file is not a { name, properties } document. */
  contentNotADocument: 'ZT8014',
  /** A manifest entry's path leaves generated/ (.., absolute, symbolic link out) or is not a regular file. */
  contentOutsideGenerated: 'ZT8015',
  /** A manifest entry has no sha256, or the file's bytes do not match it. */
  contentChecksum: 'ZT8016',
  /** A generated exemption file is not a { name, scope, initiative, properties } document. */
  contentNotAnExemption: 'ZT8017',
  /** An assignment names an initiative that is not in generated/. */
  assignmentInitiativeUnknown: 'ZT8020',
  /** An assignment passes a parameter the initiative does not declare (UndefinedPolicyParameter). */
  assignmentParameterUndeclared: 'ZT8021',
  /** An assignment leaves a required initiative parameter without value (MissingPolicyParameter). */
  assignmentParameterMissing: 'ZT8022',
  /** Two assignments get the same name at the same management group. */
  assignmentNameTwice: 'ZT8023',
  /** A non-compliance message names a policyDefinitionReferenceId the initiative does not have. */
  assignmentReferenceUnknown: 'ZT8024',
  /** An exemption's initiative (or named assignment) is not assigned exactly once in the environment. */
  exemptionAssignmentUnknown: 'ZT8025',
  /** An exemption lists an environment the config does not define. */
  exemptionEnvironmentUnknown: 'ZT8026',
  /** --endpoint is not a URL. */
  endpointNotUrl: 'ZT8040',
  /** --endpoint is plain http on a non-loopback host. */
  endpointNotHttps: 'ZT8041',
  /** ZTPOLICY_ACCESS_TOKEN's audience is not the endpoint's (or a real-Azure token goes to a loopback emulator). */
  tokenAudience: 'ZT8042',
  /** --mg is not the management group the config targets. */
  targetMismatch: 'ZT8050',
  /** --location is not a region name. */
  locationInvalid: 'ZT8051',
  /** ZTPOLICY_ACCESS_TOKEN was issued for another tenant. */
  tokenTenant: 'ZT8052',
  /** The target management group belongs to another tenant. */
  managementGroupTenant: 'ZT8053',
  /** An assignment scope is not under the target management group. */
  scopeOutsideTarget: 'ZT8054',
  /** The config defines environments and no --env was given. */
  environmentRequired: 'ZT8055',
  /** --env names no environment of the config (the message lists the known ones). */
  environmentUnknown: 'ZT8056',
  /** --env was given but the config defines no environments. */
  environmentsNone: 'ZT8057',
  /** Neither --mg nor --env names the target. */
  targetMissing: 'ZT8058',
  /** init: the management group does not exist or cannot be read (the hint names what was meant). */
  initManagementGroupNotFound: 'ZT8070',
  /** init: the config file exists and --force was not given. */
  initConfigExists: 'ZT8071',
  /** init: a value is missing and there is no terminal to ask on. */
  initValueMissing: 'ZT8072',
  /** init: the caller lacks permissions publish needs at the management group (the message names the roles). */
  initPermissionsMissing: 'ZT8073',
  /** The plan deletes objects and no confirmation was given. */
  deletionsUnconfirmed: 'ZT8060',
  /** The user declined the deletions at the prompt. */
  deletionsCancelled: 'ZT8061',
  /** Publish refused before any write because the plan has blockers. */
  publishRefused: 'ZT8100',
  /** Blocker: the object is marked as owned by another owner. */
  foreignOwner: 'ZT8101',
  /** Warning: --adopt takes over an object without ownership marker. */
  adopted: 'ZT8102',
  /** Warning: a parameter change Azure rejects in place is published as a new versioned name. */
  versionedForParameters: 'ZT8103',
  /** Warning: an assignment's identity stays in its old location (InvalidLocationUpdate). */
  identityLocationKept: 'ZT8104',
  /** Warning: a delete is skipped because the object is still referenced. */
  deleteSkippedReferenced: 'ZT8105',
  /** Blocker: a same-named object without ownership marker exists (re-run with --adopt to take it over). */
  unmarkedExisting: 'ZT8106',
  /** Warning: `root` resolved to a group literally named root, not the Tenant Root Group (which its id selects). */
  rootIsLiteralGroup: 'ZT8107',
  /** Warning: the config's Defender plan contradicts the Zero Trust setting the Defender initiative's members demand. */
  defenderPlanContradictsPolicy: 'ZT8108',
  /** Warning: an exemption is past its expiry (shown in the plan; not created when it does not exist). */
  exemptionExpired: 'ZT8110',
  /** Blocker: an exemption's scope is not under the management group its assignment is at. */
  exemptionScopeOutside: 'ZT8111',
  /** An exemption published to several environments is too long once its environment's name is appended. */
  exemptionNameTooLong: 'ZT8112',
  /** Writes of a tier failed; later tiers were not applied. */
  writesFailed: 'ZT8201',
  /** An Azure request failed (after retries). */
  azureRequestFailed: 'ZT8202',
  /** --remediate: the compliance scans failed or did not finish in the time limit; no task was created. */
  remediationFailed: 'ZT8204',
  /** No access token could be obtained. */
  noAccessToken: 'ZT8203',
} as const;
