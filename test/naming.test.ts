import { readFileSync } from 'node:fs';
import { EMAIL_RULE, NAME_RULES, Naming, regionCode } from '../constructs/core/naming';
import { streamSpecSchemaPath } from '../constructs/streams/validate-stream-spec';

describe('Naming', () => {
  const naming = new Naming({ workload: 'stream', environment: 'prd', region: 'westeurope' });

  test('builds every name in the abbreviation style with the region code', () => {
    expect(naming.resourceGroup()).toBe('rg-stream-prd-weu');
    expect(naming.eventHubNamespace()).toBe(`evhns-stream-prd-weu-${naming.suffix}`);
    expect(naming.eventHub('iot-telemetry')).toBe('evh-iot-telemetry');
    expect(naming.keyVault()).toBe(`kv-stream-prd-${naming.suffix}`);
    expect(naming.storageAccount()).toBe(`ststreamprd${naming.suffix}`);
    expect(naming.databricksWorkspace()).toBe('dbw-stream-prd-weu');
    expect(naming.databricksManagedResourceGroup()).toBe('rg-stream-prd-weu-dbw-managed');
  });

  test('the suffix is 4 hex characters, stable for the same inputs and different for other inputs', () => {
    const again = new Naming({ workload: 'stream', environment: 'prd', region: 'westeurope' });
    const otherEnv = new Naming({ workload: 'stream', environment: 'dev', region: 'westeurope' });
    const otherOrg = new Naming({ workload: 'stream', environment: 'prd', region: 'westeurope', uniqueSeed: 'contoso' });
    expect(naming.suffix).toMatch(/^[0-9a-f]{4}$/);
    expect(again.suffix).toBe(naming.suffix);
    expect(otherEnv.suffix).not.toBe(naming.suffix);
    expect(otherOrg.suffix).not.toBe(naming.suffix);
  });

  test('the longest allowed inputs still give names within each resource rule', () => {
    // GIVEN a 12-character workload and a 4-character environment, the maxima
    const longest = new Naming({ workload: 'abcdefghijkl', environment: 'prod', region: 'germanywestcentral' });
    // THEN every length-limited name still satisfies its rule
    expect(longest.storageAccount()).toMatch(NAME_RULES.storageAccount.pattern);
    expect(longest.storageAccount()).toHaveLength(22);
    expect(longest.keyVault()).toMatch(NAME_RULES.keyVault.pattern);
    expect(longest.keyVault()).toHaveLength(24);
    expect(longest.keyVault()).toBe(`kv-abcdefghijk-prod-${longest.suffix}`);
    expect(longest.eventHubNamespace()).toMatch(NAME_RULES.eventHubNamespace.pattern);
    expect(longest.databricksWorkspace()).toMatch(NAME_RULES.databricksWorkspace.pattern);
  });

  test('region codes: known regions by table, others without vowels', () => {
    expect(regionCode('westeurope')).toBe('weu');
    expect(regionCode('East US 2')).toBe('eus2');
    expect(regionCode('polandcentral')).toBe('plndcn');
  });

  test('invalid workload and environment are reported with what is allowed', () => {
    const bad = new Naming({ workload: 'Stream_1', environment: 'production', region: 'westeurope' });
    expect(bad.validate()).toEqual([
      { field: 'workload', value: 'Stream_1', allowed: '2–12 lowercase letters and digits, starting with a letter' },
      { field: 'environment', value: 'production', allowed: '1–4 lowercase letters and digits' },
    ]);
  });
});

describe('name rules shared with the stream spec schema', () => {
  const schema = JSON.parse(readFileSync(streamSpecSchemaPath(), 'utf8'));

  test('the event hub and consumer group rules are the schema’s own patterns', () => {
    expect(NAME_RULES.eventHub.pattern.source).toBe(schema.$defs.source.properties.eventHubName.pattern);
    expect(NAME_RULES.consumerGroup.pattern.source).toBe(schema.$defs.consumerGroup.pattern);
  });

  test.each([
    ['eventHub', 'evh-orders', true],
    ['eventHub', 'evh-orders-', false], // its rule says it ends with a letter or digit
    ['consumerGroup', '$Default', true],
    ['consumerGroup', '$other', false],
    ['consumerGroup', 'cg-bronze.', false],
  ] as const)('%s %s matches: %s', (rule, name, matches) => {
    expect(NAME_RULES[rule].pattern.test(name)).toBe(matches);
  });

  test.each([
    ['ops@example.com', true],
    ['ops.example.com', false],
    ['ops@example.', false],
  ])('the one e-mail rule: %s is %s', (email, matches) => {
    expect(EMAIL_RULE.pattern.test(email)).toBe(matches);
  });
});
