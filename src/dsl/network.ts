/**
 * Network helpers shared by several controls (ZT-SPK-04…07): NSG port-range containment and "any security rule
 * matches" over both shapes a security rule takes in Azure.
 *
 * - A security rule is written either inline in the NSG (`properties.securityRules[*]`, what a GET of the NSG always
 *   returns, child rules included) or as its own resource `Microsoft.Network/networkSecurityGroups/securityRules`
 *   (what a PUT of a single rule sends). A deny rule must look at both: a deny on the NSG alone misses a rule added
 *   later as a child resource. `anySecurityRule(match)` writes the condition once against an `NsgRuleView` and
 *   expands it for both shapes.
 * - Port specs are '*', a single port '22' or a range '20-4000' (Learn "Network security groups", Security rules:
 *   "You can specify a single port, a range of ports, or a comma-separated list"; a list lives in
 *   destinationPortRanges[*], one spec per member). `portSpecCovers` is the template expression that decides whether
 *   a spec contains a port; it guards every `int()` with `if()` (the only lazily evaluated function: `and`/`or`
 *   evaluate all arguments, and Learn recommends `if()` guards rather than relying on condition order,
 *   policy-semantics.md §3).
 */
import { allOf, anyOf, count, countValue, FieldRef, not, value, type ArrayAlias, type Condition, type ListTarget } from './conditions.js';
import { current, fn, type Arg, type Expr } from './expressions.js';
import { fieldExpr } from './fields.js';
import { param } from './parameters.js';

const NSG = 'Microsoft.Network/networkSecurityGroups';
/**
 * Source prefixes that mean "anyone on the Internet": '*' (the portal's "Any"), the Internet service tag, and the
 * IPv4 and IPv6 default routes (zero-trust-controls.md ZT-SPK-06/07; the IPv6 form because NSGs take IPv6 prefixes).
 */
export const INTERNET_SOURCES: readonly string[] = ['*', 'Internet', '0.0.0.0/0', '::/0'];
const NSG_RULE = 'Microsoft.Network/networkSecurityGroups/securityRules';

/**
 * Template expression: true when the NSG port spec `spec` ('*', '22', '20-4000') contains `port`.
 * An empty or missing spec ('' from field() of a missing property, null from current()) contains nothing.
 */
export function portSpecCovers(spec: Arg<'string'>, port: Arg<'string' | 'number'>): Expr<'boolean'> {
  const text = fn.string(fn.coalesce(spec, ''));
  const bound = (which: 'first' | 'last') => fn.int(fn[which](fn.split(text, '-')));
  return fn.if(
    fn.empty(text),
    false,
    fn.if(
      fn.equals(text, '*'),
      true,
      fn.if(
        fn.contains(text, '-'),
        fn.and(fn.lessOrEquals(bound('first'), fn.int(port)), fn.greaterOrEquals(bound('last'), fn.int(port))),
        fn.equals(fn.int(text), fn.int(port)),
      ),
    ),
  );
}

/**
 * Condition: the port spec `spec` contains at least one of `ports` (an array parameter or literal). A value count
 * named `indexName`: a count nested in another count must name its index (Learn, policy rule "count").
 */
export function portSpecCoversAny(spec: Arg<'string'>, ports: readonly (string | number)[] | Expr<'array' | 'unknown'>, indexName = 'port'): Condition {
  return countValue(ports, { name: indexName, where: value(portSpecCovers(spec, current(indexName))).equals(true) }).greater(0);
}

/** Scalar properties of a security rule the helpers read. */
export type SecurityRuleProperty =
  | 'name'
  | 'access'
  | 'direction'
  | 'priority'
  | 'protocol'
  | 'sourceAddressPrefix'
  | 'sourcePortRange'
  | 'destinationAddressPrefix'
  | 'destinationPortRange';
/** Array properties of a security rule (one member per prefix or port spec). */
export type SecurityRuleArray = 'sourceAddressPrefixes' | 'destinationPortRanges' | 'destinationAddressPrefixes';

/**
 * One security rule, seen either as a member of the NSG's securityRules[*] (inside a count over it) or as the
 * evaluated child resource. `field` gives condition operands, `value` the scalar for template expressions.
 */
export interface NsgRuleView {
  readonly shape: 'inline' | 'child';
  /** Field operand of a scalar property (inline: the member under count). */
  field(property: SecurityRuleProperty): FieldRef;
  /** The scalar as an expression: current('<alias>') inline, field('<alias>') for the child resource. */
  value(property: SecurityRuleProperty): Expr<'unknown'>;
  /** True when some member of the array property satisfies `where` (a count over `<array>[*]`). */
  some(array: SecurityRuleArray, where: (member: { field: FieldRef; value: Expr<'unknown'> }) => Condition): Condition;
}

function view(shape: 'inline' | 'child'): NsgRuleView {
  // The 'name' of a child rule is the special field 'name'; inline it is the securityRules[*].name alias.
  const alias = (p: string) => (shape === 'inline' ? `${NSG}/securityRules[*].${p}` : `${NSG_RULE}/${p}`);
  const crossType = shape === 'inline' ? NSG : NSG_RULE;
  const fieldOf = (p: SecurityRuleProperty) => (shape === 'child' && p === 'name' ? new FieldRef('name') : new FieldRef(alias(p), crossType));
  return {
    shape,
    field: fieldOf,
    value: (p) => (shape === 'inline' ? current(alias(p)) : fieldOf(p)),
    some: (array, where) => {
      const a = `${alias(array)}[*]` as ArrayAlias;
      const member = new FieldRef<ArrayAlias>(a, crossType);
      return count(member, where({ field: member, value: current(a) })).greater(0);
    },
  };
}

export const inlineRuleView: NsgRuleView = view('inline');
export const childRuleView: NsgRuleView = view('child');

/**
 * The NSG has a rule in securityRules[*] matching `match` (evaluated per member), or the evaluated resource is a
 * child security rule that matches. Use with mode All: child rules have no tags or location.
 */
export function anySecurityRule(match: (rule: NsgRuleView) => Condition): Condition {
  return anyOf(
    allOf(new FieldRef('type').equals(NSG), countRules(match).greater(0)),
    allOf(new FieldRef('type').equals(NSG_RULE), match(childRuleView)),
  );
}

/** Count of the NSG's own securityRules[*] members matching `match` (for "none match" / "some match" on the NSG). */
export function countRules(match: (rule: NsgRuleView) => Condition) {
  return count(new FieldRef<ArrayAlias>(`${NSG}/securityRules[*]`, NSG), match(inlineRuleView));
}

/** The rule's source (single prefix or any of its prefix list) is one of `prefixes`. */
export function sourceIn(rule: NsgRuleView, prefixes: ListTarget): Condition {
  return anyOf(rule.field('sourceAddressPrefix').in(prefixes), rule.some('sourceAddressPrefixes', (m) => m.field.in(prefixes)));
}

/** The rule's destination ports (single spec or any spec of its list) contain at least one of `ports`. */
export function destinationPortsCoverAny(rule: NsgRuleView, ports: readonly (string | number)[] | Expr<'array' | 'unknown'>): Condition {
  return anyOf(
    portSpecCoversAny(rule.value('destinationPortRange'), ports),
    rule.some('destinationPortRanges', (m) => portSpecCoversAny(m.value, ports)),
  );
}

/** Every destination port spec of the rule (single and list) is one of `allowed` exactly (no '*', no range). */
export function destinationPortsOnly(rule: NsgRuleView, allowed: ListTarget): Condition {
  return allOf(
    anyOf(rule.field('destinationPortRange').in(allowed), rule.field('destinationPortRange').exists(false), rule.field('destinationPortRange').equals('')),
    not(rule.some('destinationPortRanges', (m) => m.field.notIn(allowed))),
  );
}

/** An inbound Allow rule. */
export function isInboundAllow(rule: NsgRuleView): Condition {
  return allOf(rule.field('access').equals('Allow'), rule.field('direction').equals('Inbound'));
}

/**
 * The baseline deny-all rule of ZT-SPK-04/05 in one direction: Deny, protocol '*', from any source and port to
 * `destination` on any port, at `priority`.
 */
export function isDenyAllRule(
  rule: NsgRuleView,
  direction: 'Inbound' | 'Outbound',
  priority: number | Expr<'number' | 'unknown'>,
  destination: string | Expr<'string' | 'unknown'>,
): Condition {
  return allOf(
    rule.field('access').equals('Deny'),
    rule.field('direction').equals(direction),
    rule.field('priority').equals(priority),
    rule.field('protocol').equals('*'),
    rule.field('sourceAddressPrefix').equals('*'),
    rule.field('sourcePortRange').equals('*'),
    rule.field('destinationAddressPrefix').equals(destination),
    rule.field('destinationPortRange').equals('*'),
  );
}

/**
 * A rule that would make adding the baseline rule fail: it holds the same priority in the same direction (ARM
 * rejects the NSG with SecurityRuleConflict "Rules cannot have the same Priority and Direction", seen in
 * hashicorp/terraform-provider-azurerm#11137 and Azure/aks-engine#2106) or already uses the rule's name (names
 * are unique within an NSG; the Network REST spec addresses rules by name).
 */
export function blocksDenyAllRule(
  rule: NsgRuleView,
  direction: 'Inbound' | 'Outbound',
  priority: number | Expr<'number' | 'unknown'>,
  ruleName: string | Expr<'string' | 'unknown'>,
): Condition {
  return anyOf(allOf(rule.field('direction').equals(direction), rule.field('priority').equals(priority)), rule.field('name').equals(ruleName));
}

/** The baseline priority parameter ZT-SPK-04/05 and their clash audits share (zero-trust-controls.md §6 `denyRulePriority`). */
export const denyRulePriorityParameter = param.integer({
  displayName: 'Baseline deny rule priority',
  description: 'Priority of the deny-all rule: 4096 is the last custom priority, below every explicit allow.',
  defaultValue: 4096,
});

/** ZT-SPK-05's outboundMode (zero-trust-controls.md §6): what the outbound baseline denies. */
export const outboundModeParameter = param.string({
  displayName: 'Outbound mode',
  description: "denyAll: deny every destination; firewallEgress: deny destination VirtualNetwork only (Internet egress via the firewall's default route, ZT-HUB-12).",
  allowedValues: ['denyAll', 'firewallEgress'],
  defaultValue: 'denyAll',
});

/** Destination of the outbound baseline rule for an outboundMode value: '*' or, with firewall egress, VirtualNetwork. */
export function outboundBaselineDestination(mode: Arg<'string'>): Expr<'string'> {
  return fn.if<'string'>(fn.equals(mode, 'firewallEgress'), 'VirtualNetwork', '*');
}

/** The security rule object the ZT-SPK-04/05 Modify appends to securityRules[*] (GET/PUT shape: name + properties). */
export function denyAllRuleObject(
  name: string | Expr<'string' | 'unknown'>,
  direction: 'Inbound' | 'Outbound',
  priority: number | Expr<'number' | 'unknown'>,
  destination: string | Expr<'string' | 'unknown'>,
  description: string,
) {
  return {
    name,
    properties: {
      description,
      access: 'Deny',
      direction,
      priority,
      protocol: '*',
      sourceAddressPrefix: '*',
      sourcePortRange: '*',
      destinationAddressPrefix: destination,
      destinationPortRange: '*',
    },
  } as const;
}

const VNET = 'Microsoft.Network/virtualNetworks';
const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';

/**
 * A virtual network with a subnet (inline in subnets[*]) whose `property` is missing, or a subnet resource without
 * it, ignoring subnets named in `excluded` (ZT-SPK-02 NSG, ZT-SPK-12 route table; reference ALZ
 * Deny-Subnet-Without-Nsg / -Udr). Use with mode All: subnets have no tags or location.
 */
export function subnetWithout(property: 'networkSecurityGroup.id' | 'routeTable.id', excluded: ListTarget): Condition {
  return anyOf(
    allOf(
      new FieldRef('type').equals(VNET),
      count(
        new FieldRef<ArrayAlias>(`${VNET}/subnets[*]`),
        allOf(new FieldRef(`${VNET}/subnets[*].name`).notIn(excluded), new FieldRef(`${VNET}/subnets[*].${property}`).exists(false)),
      ).greater(0),
    ),
    allOf(new FieldRef('type').equals(SUBNET), new FieldRef('name').notIn(excluded), new FieldRef(`${SUBNET}/${property}`, SUBNET).exists(false)),
  );
}

/** The tag naming a route table's role (zero-trust-controls.md §4 selector convention: gateway | spoke | appgw). */
export const routeRoleTagNameParameter = param.string({
  displayName: 'Route role tag name',
  description: 'Tag on a route table that names the subnet role it serves: gateway, spoke or appgw.',
  defaultValue: 'zt-route-role',
});

/** The evaluated resource's role tag (its name a parameter, read through a field expression) equals `role`. */
export function routeRoleIs(tagName: Arg<'string'>, role: 'gateway' | 'spoke' | 'appgw'): Condition {
  return fieldExpr(fn.concat('tags[', tagName, ']')).equals(role);
}
