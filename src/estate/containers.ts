/**
 * Resource groups and subscriptions as the evaluator's context (resourceGroup(), subscription()): built from
 * their ARM GET documents, whichever source holds them: Resource Graph's `resourcecontainers`, or export files
 * that include `az group list` / Resource Groups - Get and Subscriptions - Get documents. A resource is given the
 * containers its id names; what no document describes is left to the evaluator, which derives it from the id.
 */
import type { JsonObject } from '../compiler/canonical-json.js';
import type { EvaluationContext, ResourceGroupContext, SubscriptionContext } from '../evaluator/types.js';

export const SUBSCRIPTION_TYPE = 'microsoft.resources/subscriptions';
export const GROUP_TYPE = 'microsoft.resources/subscriptions/resourcegroups';
/**
 * Resource Groups - Get and `az group list` name the type Microsoft.Resources/resourceGroups; Resource Graph and
 * Azure Policy's type field say Microsoft.Resources/subscriptions/resourceGroups. Both are read as a group.
 */
const GROUP_GET_TYPE = 'microsoft.resources/resourcegroups';
export const CONTAINER_TYPES: ReadonlySet<string> = new Set([SUBSCRIPTION_TYPE, GROUP_TYPE, GROUP_GET_TYPE]);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const tagsOf = (doc: JsonObject) => (isObject(doc.tags) ? doc.tags : {}) as Record<string, string>;

export class ContainerContexts {
  private readonly subscriptions = new Map<string, SubscriptionContext>();
  private readonly groups = new Map<string, ResourceGroupContext>();

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  /** Records a subscription or resource group GET document; false (and nothing recorded) for any other document. */
  add(doc: JsonObject): boolean {
    const type = String(doc.type ?? '').toLowerCase();
    const id = String(doc.id ?? '').toLowerCase();
    if (type === SUBSCRIPTION_TYPE) {
      this.subscriptions.set(id, { subscriptionId: String(doc.subscriptionId ?? ''), id: String(doc.id), displayName: String(doc.displayName ?? ''), tenantId: String(doc.tenantId ?? ''), tags: tagsOf(doc) });
      return true;
    }
    if (type === GROUP_TYPE || type === GROUP_GET_TYPE) {
      this.groups.set(id, {
        id: String(doc.id),
        name: String(doc.name),
        location: String(doc.location ?? ''),
        tags: tagsOf(doc),
        ...(typeof doc.managedBy === 'string' && doc.managedBy !== '' ? { managedBy: doc.managedBy } : {}),
        properties: isObject(doc.properties) ? doc.properties : { provisioningState: 'Succeeded' },
      });
      return true;
    }
    return false;
  }

  /** The recorded containers a resource id names; undefined when none is recorded. */
  contextOf(id: string): EvaluationContext | undefined {
    const m = /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?/i.exec(id);
    if (!m) return undefined;
    const sub = this.subscriptions.get(`/subscriptions/${m[1]!.toLowerCase()}`);
    const rg = m[2] ? this.groups.get(`/subscriptions/${m[1]!.toLowerCase()}/resourcegroups/${m[2].toLowerCase()}`) : undefined;
    if (!sub && !rg) return undefined;
    return { ...(sub ? { subscription: sub } : {}), ...(rg ? { resourceGroup: rg } : {}) };
  }
}
