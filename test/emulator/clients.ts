/**
 * Real SDK clients wired to an emulator, as the tests (and the publisher's tests) build them.
 */
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ManagementGroupsAPI } from '@azure/arm-managementgroups';
import { PolicyClient } from '@azure/arm-policy';
import { PolicyInsightsClient } from '@azure/arm-policyinsights';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { SecurityCenter } from '@azure/arm-security';
import { emulatorClientOptions, staticTokenCredential } from './sdk.js';
import type { ArmEmulator } from './types.js';

export interface EmulatorClients {
  policy: PolicyClient;
  managementGroups: ManagementGroupsAPI;
  /** subscriptionId is required by the constructor but unused for scope-based calls (publisher-mechanics §1.3). */
  authorization: AuthorizationManagementClient;
  security(subscriptionId: string): SecurityCenter;
  insights: PolicyInsightsClient;
  subscriptions: SubscriptionClient;
  resourceGraph: ResourceGraphClient;
}

export function emulatorClients(emulator: ArmEmulator, opts: { fastRetries?: boolean; maxRetries?: number; token?: string } = {}): EmulatorClients {
  const cred = staticTokenCredential(opts.token);
  const o = emulatorClientOptions(emulator, opts);
  return {
    policy: new PolicyClient(cred, o),
    managementGroups: new ManagementGroupsAPI(cred, o),
    authorization: new AuthorizationManagementClient(cred, '00000000-0000-0000-0000-000000000000', o),
    security: (subscriptionId) => new SecurityCenter(cred, subscriptionId, o),
    insights: new PolicyInsightsClient(cred, o),
    subscriptions: new SubscriptionClient(cred, o),
    resourceGraph: new ResourceGraphClient(cred, o),
  };
}
