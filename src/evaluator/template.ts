/**
 * ARM template resources as the evaluator expects them. A child declared inside its parent's `resources`
 * array writes a short type ("databases") and its own name ("db1"); the request Azure evaluates carries the
 * full type (Microsoft.Sql/servers/databases) and the full name (server1/db1). Learn, "Set name and type for
 * child resources in ARM templates".
 */
import { isObject } from './values.js';

/**
 * Flattens a template's resources (or a list of template resources), expanding nested children to full type
 * and name. Each resource keeps its apiVersion, which the evaluator uses as the request API version. The
 * nested `resources` arrays are removed from the returned documents.
 */
export function templateResources(template: unknown): Record<string, unknown>[] {
  const list = Array.isArray(template) ? template : isObject(template) && Array.isArray(template['resources']) ? template['resources'] : [];
  const out: Record<string, unknown>[] = [];
  const walk = (items: unknown[], parent: { type: string; name: string } | undefined): void => {
    for (const item of items) {
      if (!isObject(item)) continue;
      const { resources: children, ...doc } = item;
      let type = typeof doc['type'] === 'string' ? doc['type'] : '';
      let name = typeof doc['name'] === 'string' ? doc['name'] : '';
      if (parent && type && !type.includes('/')) type = `${parent.type}/${type}`;
      if (parent && name && !name.includes('/')) name = `${parent.name}/${name}`;
      const full: Record<string, unknown> = { ...doc, ...(type ? { type } : {}), ...(name ? { name } : {}) };
      out.push(full);
      if (Array.isArray(children)) walk(children, { type, name });
    }
  };
  walk(list, undefined);
  return out;
}
