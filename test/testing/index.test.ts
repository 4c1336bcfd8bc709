import { describe, expect, it } from 'vitest';
import { builtin } from '../../src/catalog/builtins.js';
import {
  expectPolicy,
  mergeJson,
  networkInterface,
  networkSecurityGroup,
  storageAccount,
  subnet,
  subscription,
  virtualMachine,
  virtualNetwork,
  vmExtension,
} from '../../src/testing/index.js';

// Hand-written definitions in the shape Azure documents (Learn "definition structure"), independent of the
// sample controls, so these tests pin the helpers' behaviour and not a control's.
const minimumTls = {
  name: 'test-minimum-tls',
  properties: {
    displayName: 'Storage accounts use TLS 1.2',
    mode: 'Indexed',
    parameters: { effect: { type: 'String', defaultValue: 'Deny', allowedValues: ['Audit', 'Deny', 'Disabled'] } },
    policyRule: {
      if: {
        allOf: [
          { field: 'type', equals: 'Microsoft.Storage/storageAccounts' },
          { anyOf: [{ field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', exists: false }, { field: 'Microsoft.Storage/storageAccounts/minimumTlsVersion', notEquals: 'TLS1_2' }] },
        ],
      },
      then: { effect: "[parameters('effect')]" },
    },
  },
};

const addDenyRule = {
  name: 'test-nsg-modify',
  properties: {
    displayName: 'NSGs get a deny-all inbound rule',
    mode: 'Indexed',
    policyRule: {
      if: {
        allOf: [
          { field: 'type', equals: 'Microsoft.Network/networkSecurityGroups' },
          {
            count: {
              field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]',
              where: {
                allOf: [
                  { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].access', equals: 'Deny' },
                  { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].direction', equals: 'Inbound' },
                  { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].priority', equals: 4096 },
                ],
              },
            },
            equals: 0,
          },
        ],
      },
      then: {
        effect: 'modify',
        details: {
          roleDefinitionIds: ['/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7'],
          operations: [
            {
              operation: 'add',
              field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]',
              value: { name: 'DenyAllInbound', properties: { access: 'Deny', direction: 'Inbound', priority: 4096, protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' } },
            },
          ],
        },
      },
    },
  },
};

const entraLogin = {
  name: 'test-entra-login',
  properties: {
    displayName: 'Linux VMs have the Entra SSH login extension',
    mode: 'Indexed',
    policyRule: {
      if: { field: 'type', equals: 'Microsoft.Compute/virtualMachines' },
      then: {
        effect: 'auditIfNotExists',
        details: {
          type: 'Microsoft.Compute/virtualMachines/extensions',
          existenceCondition: {
            allOf: [
              { field: 'Microsoft.Compute/virtualMachines/extensions/publisher', equals: 'Microsoft.Azure.ActiveDirectory' },
              { field: 'Microsoft.Compute/virtualMachines/extensions/type', equals: 'AADSSHLoginForLinux' },
            ],
          },
        },
      },
    },
  },
};

describe('expectPolicy on definition JSON', () => {
  const tls = expectPolicy(minimumTls);

  it('reads like the intent: denied, compliant, not applicable', () => {
    tls.toDeny(storageAccount({ minimumTlsVersion: 'TLS1_0' }));
    tls.toDeny(storageAccount({ minimumTlsVersion: undefined }));
    tls.toBeCompliant(storageAccount());
    tls.toAllow(storageAccount());
    tls.toBeNotApplicable(virtualMachine());
    tls.toAllow(virtualMachine(), { orNotApplicable: true });
  });

  it('toAllow fails on a resource the policy does not apply to unless orNotApplicable is given', () => {
    expect(() => tls.toAllow(virtualMachine())).toThrow(/to allow Microsoft\.Compute\/virtualMachines[^\n]*\n.*applicable=false/);
    // A rule whose type condition has a typo applies to nothing: toAllow must not read that as "allowed".
    const typo = mergeJson(minimumTls, { properties: { policyRule: { if: { allOf: [{ field: 'type', equals: 'Microsoft.Storage/storageAcounts' }, minimumTls.properties.policyRule.if.allOf[1]!] } } } });
    expect(() => expectPolicy(typo).toAllow(storageAccount())).toThrow(/compliance=NotApplicable/);
  });

  it('parameters switch the effect', () => {
    tls.withParameters({ effect: 'Audit' }).toAudit(storageAccount({ minimumTlsVersion: 'TLS1_1' }));
    tls.withParameters({ effect: 'Audit' }).toAllow(storageAccount({ minimumTlsVersion: 'TLS1_1' }));
    tls.withParameters({ effect: 'Audit' }).toBeNonCompliant(storageAccount({ minimumTlsVersion: 'TLS1_1' }));
    tls.toHaveEffect('Deny', storageAccount({ minimumTlsVersion: 'TLS1_1' }));
  });

  it('a failed expectation throws a message with the decision, the trace and the resource', () => {
    let message = '';
    try {
      tls.toDeny(storageAccount({}, { name: 'stfinealready' }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("expected test-minimum-tls to deny Microsoft.Storage/storageAccounts 'stfinealready'");
    expect(message).toContain('compliance=Compliant');
    expect(message).toMatch(/trace \(which conditions decided\):\n\s+(true|false)/);
    expect(message).toContain('minimumTlsVersion');
    expect(message).toContain('"name": "stfinealready"');
    expect(() => tls.toBeNotApplicable(storageAccount())).toThrow(/to be not applicable to/);
    expect(() => tls.toBeCompliant(virtualMachine())).toThrow(/compliance=NotApplicable/);
  });

  it('toModify checks the operations as a subset', () => {
    const nsg = expectPolicy(addDenyRule);
    const bare = networkSecurityGroup({ securityRules: [] });
    nsg.toModify(bare);
    nsg.toModify(bare, [{ operation: 'add', field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]' }]);
    expect(() => nsg.toModify(bare, [{ operation: 'remove' }])).toThrow(/to modify with/);
    nsg.toBeCompliant(networkSecurityGroup());
    nsg.toBeNotApplicable(subnet());
  });

  it('auditIfNotExists sees the related resources given', () => {
    const login = expectPolicy(entraLogin);
    const vm = virtualMachine({}, { name: 'vm-a' });
    login.toAuditIfNotExists(vm);
    login.toBeCompliant(vm, { related: [vmExtension({}, { parent: 'vm-a' })] });
    // An extension of another VM does not count.
    login.withRelated([vmExtension({}, { parent: 'vm-other' })]).toAuditIfNotExists(vm);
    login.toBeNotApplicable(networkInterface());
  });
});

describe('an evaluation error fails every effect assertion', () => {
  // Learn (definition structure, policy rule): a failed evaluation is an implicit deny, so the evaluator reports
  // effect deny with an error. These rules fail at run time: split() of a number (ZT5101) and an ordering
  // comparison between a string and a number (ZT5102).
  const failing = {
    name: 'test-failing-rule',
    properties: {
      mode: 'All',
      parameters: { effect: { type: 'String', defaultValue: 'Deny' } },
      policyRule: {
        if: {
          allOf: [
            { field: 'type', equals: 'Microsoft.Storage/storageAccounts' },
            { value: "[split(field('Microsoft.Storage/storageAccounts/minimumTlsVersion'), '_')[5]]", equals: 'x' },
          ],
        },
        then: { effect: "[parameters('effect')]" },
      },
    },
  };
  const policy = expectPolicy(failing);
  const account = storageAccount();

  it('toDeny fails and names the error instead of passing on the implicit deny', () => {
    expect(policy.evaluate(account)).toMatchObject({ effect: 'deny', error: { code: 'ZT5101' } });
    expect(() => policy.toDeny(account)).toThrow(/to deny[\s\S]*evaluation error ZT5101: index 5 is out of range[\s\S]*the rule failed to evaluate/);
  });

  it('every other assertion fails on the error too', () => {
    const audit = policy.withParameters({ effect: 'Audit' });
    const assertions: [string, () => unknown][] = [
      ['toAllow', () => policy.toAllow(account, { orNotApplicable: true })],
      ['toBeCompliant', () => policy.toBeCompliant(account)],
      ['toBeNonCompliant', () => policy.toBeNonCompliant(account)],
      ['toBeNotApplicable', () => policy.toBeNotApplicable(account)],
      ['toAudit', () => audit.toAudit(account)],
      ['toHaveEffect', () => policy.toHaveEffect('Deny', account)],
      ['toModify', () => policy.toModify(account)],
      ['toAppend', () => policy.toAppend(account)],
      ['toAuditIfNotExists', () => policy.toAuditIfNotExists(account)],
      ['toDeployIfNotExists', () => policy.toDeployIfNotExists(account)],
      ['toDenyAction', () => policy.toDenyAction(account)],
    ];
    const passed = assertions.filter(([, f]) => {
      try {
        f();
        return true;
      } catch (e) {
        expect((e as Error).message).toContain('evaluation error ZT5101');
        return false;
      }
    });
    expect(passed.map(([n]) => n)).toEqual([]);
  });

  it('toDenyOnEvaluationError asserts the implicit deny, optionally its code', () => {
    const r = policy.toDenyOnEvaluationError(account);
    expect(r.error?.message).toMatch(/out of range/);
    policy.toDenyOnEvaluationError(account, 'ZT5101');
    expect(() => policy.toDenyOnEvaluationError(account, 'ZT5102')).toThrow(/to fail evaluating with ZT5102/);
    // A rule that evaluates cleanly fails it, whether it denies or not.
    expect(() => expectPolicy(minimumTls).toDenyOnEvaluationError(storageAccount({ minimumTlsVersion: 'TLS1_0' }))).toThrow(/effect=deny[^\n]*\n/);
    expect(() => expectPolicy(minimumTls).toDenyOnEvaluationError(storageAccount())).toThrow(/compliance=Compliant/);
  });
});

describe('expectPolicy on a typed built-in', () => {
  it('uses the vendored definition: built-in 404c3081 audits an account that allows HTTP (its default effect)', () => {
    const secureTransfer = expectPolicy(builtin.secureTransferToStorageAccountsShouldBeEnabled);
    secureTransfer.toAudit(storageAccount({ supportsHttpsTrafficOnly: false }));
    secureTransfer.toBeCompliant(storageAccount());
    secureTransfer.withParameters({ effect: 'Deny' }).toDeny(storageAccount({ supportsHttpsTrafficOnly: false }));
    secureTransfer.toBeNotApplicable(virtualMachine());
  });
});

describe('resource builders', () => {
  it('build GET-shaped documents with ids that match their type and parent', () => {
    const st = storageAccount({}, { name: 'stx', resourceGroup: 'rg-a', subscriptionId: 'sub-1' });
    expect(st.id).toBe('/subscriptions/sub-1/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/stx');
    expect(st.properties?.minimumTlsVersion).toBe('TLS1_2');
    const sn = subnet({}, { name: 'snet-x', parent: 'vnet-x' });
    expect(sn.id).toMatch(/\/providers\/Microsoft\.Network\/virtualNetworks\/vnet-x\/subnets\/snet-x$/);
    expect(sn.location).toBeUndefined();
    expect(subscription().id).toMatch(/^\/subscriptions\/[0-9a-f-]+$/);
  });

  it('overrides deep-merge into properties, replace arrays, and undefined removes a key', () => {
    const st = storageAccount({ networkAcls: { defaultAction: 'Allow' }, minimumTlsVersion: undefined });
    expect(st.properties?.networkAcls).toMatchObject({ defaultAction: 'Allow', bypass: 'AzureServices' });
    expect(st.properties && 'minimumTlsVersion' in st.properties).toBe(false);
    const vnet = virtualNetwork({ subnets: [] });
    expect(vnet.properties?.subnets).toEqual([]);
    const vm = virtualMachine({}, { identity: undefined });
    expect(vm.identity).toBeUndefined();
    expect(virtualMachine().identity?.type).toBe('SystemAssigned');
  });

  it('mergeJson leaves both inputs untouched', () => {
    const base = { a: { b: 1, c: [1, 2] } };
    const over = { a: { b: 2 } };
    const merged = mergeJson(base, over);
    expect(merged).toEqual({ a: { b: 2, c: [1, 2] } });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] } });
    expect(over).toEqual({ a: { b: 2 } });
  });
});
