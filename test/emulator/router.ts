import { ArmError, badRequest } from './arm-error.js';
import type { Reply, RequestContext, Route } from './context.js';
import { handleEvaluationResult, handlePolicyStates, handleRemediations } from './handlers/insights.js';
import { handleManagementGroups, handleSubscriptions, handleTenants } from './handlers/management.js';
import { handlePolicy } from './handlers/policy.js';
import { handleRoleAssignments, handleRoleDefinitions } from './handlers/rbac.js';
import { handleResourceGraph } from './handlers/resource-graph.js';
import { handlePricings, handleSecurityRegister } from './handlers/security.js';
import { parseScope } from './scope.js';

const POLICY_VERSIONS = ['2019-09-01', '2020-09-01', '2021-06-01', '2022-06-01', '2023-04-01', '2024-04-01', '2024-05-01', '2025-01-01', '2025-03-01'];

/**
 * api-versions each emulated resource type accepts (the versions the SDKs in package.json send plus the
 * neighbouring published ones). Anything else is 400 NoRegisteredProviderFound, as ARM answers.
 */
export const API_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  'microsoft.authorization/policydefinitions': POLICY_VERSIONS,
  'microsoft.authorization/policysetdefinitions': POLICY_VERSIONS,
  'microsoft.authorization/policyassignments': POLICY_VERSIONS,
  'microsoft.authorization/policyexemptions': ['2020-07-01-preview', '2022-07-01-preview', '2024-12-01-preview'],
  'microsoft.authorization/roleassignments': ['2015-07-01', '2018-09-01-preview', '2020-04-01-preview', '2020-10-01-preview', '2022-04-01'],
  'microsoft.authorization/roledefinitions': ['2015-07-01', '2018-01-01-preview', '2022-04-01', '2022-05-01-preview'],
  'microsoft.management/managementgroups': ['2020-05-01', '2021-04-01', '2023-04-01'],
  'microsoft.security/pricings': ['2018-06-01', '2022-03-01', '2023-01-01', '2024-01-01'],
  'microsoft.security/register': ['2021-04-01'],
  'microsoft.policyinsights/remediations': ['2019-07-01', '2021-10-01', '2024-10-01'],
  'microsoft.policyinsights/policystates': ['2019-10-01', '2024-10-01'],
  'microsoft.policyinsights/asyncoperationresults': ['2019-10-01', '2024-10-01'],
  subscriptions: ['2016-06-01', '2020-01-01', '2021-01-01', '2022-12-01'],
  tenants: ['2016-06-01', '2020-01-01', '2021-01-01', '2022-12-01'],
  // 2021-06-01-preview is what @azure/arm-resourcegraph 5.0.0-beta.4 sends.
  'microsoft.resourcegraph/resources': ['2019-04-01', '2020-04-01-preview', '2021-03-01', '2021-06-01-preview', '2022-10-01', '2024-04-01'],
};

function checkApiVersion(ctx: RequestContext, type: string): void {
  const allowed = API_VERSIONS[type];
  if (allowed && !allowed.includes(ctx.apiVersion)) {
    throw badRequest(
      'NoRegisteredProviderFound',
      `No registered resource provider found for API version '${ctx.apiVersion}' and type '${type}'. The supported api-versions are '${allowed.join(', ')}'.`,
    );
  }
}

function unsupported(ctx: RequestContext): ArmError {
  return new ArmError(404, 'UnsupportedByEmulator', `The ARM emulator does not implement '${ctx.method} ${ctx.path}'.`);
}

/** Splits `{scope}/providers/{namespace}/{type}/{rest...}` at the last `providers` segment. */
function splitRoute(segments: string[]): Route | undefined {
  for (let i = segments.length - 3; i >= 0; i--) {
    if (segments[i]!.toLowerCase() === 'providers') {
      return {
        scope: parseScope(segments.slice(0, i)),
        namespace: segments[i + 1]!.toLowerCase(),
        type: segments[i + 2]!.toLowerCase(),
        rest: segments.slice(i + 3),
      };
    }
  }
  return undefined;
}

export async function dispatch(ctx: RequestContext): Promise<Reply> {
  const segs = ctx.segments;
  const first = segs[0]?.toLowerCase();
  if (first === 'subscriptions' && segs.length <= 2) {
    checkApiVersion(ctx, 'subscriptions');
    return handleSubscriptions(ctx, segs[1]);
  }
  if (first === 'tenants' && segs.length === 1) {
    checkApiVersion(ctx, 'tenants');
    return handleTenants(ctx);
  }
  const route = splitRoute(segs);
  if (!route) throw unsupported(ctx);
  const type = `${route.namespace}/${route.type}`;
  checkApiVersion(ctx, type);
  if (ctx.method === 'PUT' || ctx.method === 'PATCH') ctx.spec?.check(ctx.method, type, ctx.body);
  switch (type) {
    case 'microsoft.authorization/policydefinitions':
      return handlePolicy(ctx, route, 'policyDefinitions');
    case 'microsoft.authorization/policysetdefinitions':
      return handlePolicy(ctx, route, 'policySetDefinitions');
    case 'microsoft.authorization/policyassignments':
      return handlePolicy(ctx, route, 'policyAssignments');
    case 'microsoft.authorization/policyexemptions':
      return handlePolicy(ctx, route, 'policyExemptions');
    case 'microsoft.authorization/roleassignments':
      return handleRoleAssignments(ctx, route);
    case 'microsoft.authorization/roledefinitions':
      return handleRoleDefinitions(ctx, route);
    case 'microsoft.management/managementgroups':
      return handleManagementGroups(ctx, route);
    case 'microsoft.security/pricings':
      return handlePricings(ctx, route);
    case 'microsoft.security/register':
      return handleSecurityRegister(ctx, route);
    case 'microsoft.policyinsights/remediations':
      return handleRemediations(ctx, route);
    case 'microsoft.policyinsights/policystates':
      return handlePolicyStates(ctx, route);
    case 'microsoft.resourcegraph/resources':
      return handleResourceGraph(ctx, route, ctx.options.resourceGraph);
    case 'microsoft.policyinsights/asyncoperationresults':
      return handleEvaluationResult(ctx, route);
    default:
      throw unsupported(ctx);
  }
}
