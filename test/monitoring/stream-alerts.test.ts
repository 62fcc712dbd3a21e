import type { TerraformStack } from 'cdktf';
import { EventHubNamespace } from '../../constructs/eventhubs/eventhub-namespace';
import {
  DURATION_SECONDS,
  deriveCaptureBacklogThreshold,
  deriveConsumerLagThresholds,
  hubIngressEventsPerSecond,
} from '../../constructs/monitoring/alert-thresholds';
import { StreamAlerts, type StreamAlertsProps } from '../../constructs/monitoring/stream-alerts';
import { onlyResource, problemsOf, refOf, resourcesOf, synthJson, testStack } from '../helpers/synth';

const NS = 'evhns-stream-dev-weu-1a2b';

function alerts(props: Partial<StreamAlertsProps> = {}): { stack: TerraformStack; namespace: EventHubNamespace; alerts: StreamAlerts } {
  const stack = testStack();
  const namespace = new EventHubNamespace(stack, 'Events', { name: NS, resourceGroupName: 'rg', location: 'westeurope', capacity: 2 });
  const created = new StreamAlerts(stack, 'Alerts', {
    namespace,
    throughputUnits: 2,
    resourceGroupName: 'rg',
    actionGroup: {
      name: 'ag-stream-dev',
      shortName: 'stream-dev',
      emails: ['ops@example.com'],
      webhooks: [{ name: 'pager', serviceUri: 'https://hooks.example.com/alerts' }],
    },
    ...props,
  });
  return { stack, namespace, alerts: created };
}

function alertNamed(stack: TerraformStack, name: string): Record<string, unknown> {
  const found = Object.values(resourcesOf(synthJson(stack), 'azurerm_monitor_metric_alert')).filter((body) => body.name === name);
  if (found.length !== 1) throw new Error(`expected one alert named ${name}, found ${found.length}`);
  return found[0];
}

const criterion = (metric_name: string, operator: string, threshold: number, entity: string) => ({
  metric_namespace: 'Microsoft.EventHub/namespaces',
  metric_name,
  aggregation: 'Total',
  operator,
  threshold,
  dimension: [{ name: 'EntityName', operator: 'Include', values: [entity] }],
});

describe('threshold derivation', () => {
  test('GIVEN 2 TUs and 4 partitions WHEN ingress is derived THEN it is min(TU, partitions) × 1000 events/s', () => {
    expect(hubIngressEventsPerSecond({ throughputUnits: 2, partitions: 4 })).toBe(2 * 1000);
  });

  test('GIVEN 8 TUs and 4 partitions WHEN ingress is derived THEN the partitions cap it', () => {
    expect(hubIngressEventsPerSecond({ throughputUnits: 8, partitions: 4 })).toBe(4 * 1000);
  });

  test('GIVEN a PT15M window WHEN lag thresholds are derived THEN L = ceil(ingress × 900 s × 0.1), in > 2L, out < L', () => {
    const lagEvents = Math.ceil(2000 * DURATION_SECONDS.PT15M * 0.1);
    expect(deriveConsumerLagThresholds({ throughputUnits: 2, partitions: 4 }, 'PT15M')).toEqual({
      lagEvents,
      incomingAbove: 2 * lagEvents,
      outgoingBelow: lagEvents,
    });
    expect(lagEvents).toBe(180000);
  });

  test('GIVEN a 300 s capture interval WHEN the backlog threshold is derived THEN it is ceil(ingress × 300 × 2)', () => {
    expect(deriveCaptureBacklogThreshold({ throughputUnits: 2, partitions: 4 }, 300)).toBe(2000 * 300 * 2);
  });
});

describe('StreamAlerts', () => {
  test('GIVEN e-mail and webhook receivers WHEN synthesized THEN the action group uses the common alert schema for both', () => {
    const { stack } = alerts();
    expect(onlyResource(synthJson(stack), 'azurerm_monitor_action_group')).toEqual({
      name: 'ag-stream-dev',
      resource_group_name: 'rg',
      short_name: 'stream-dev',
      email_receiver: [{ name: 'email-1', email_address: 'ops@example.com', use_common_alert_schema: true }],
      webhook_receiver: [{ name: 'pager', service_uri: 'https://hooks.example.com/alerts', use_common_alert_schema: true }],
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('GIVEN defaults WHEN synthesized THEN throttled requests > 0 alert per event hub, severity 2, every minute over 5', () => {
    const { stack, namespace, alerts: created } = alerts();
    expect(alertNamed(stack, `alert-${NS}-throttled-requests`)).toEqual({
      name: `alert-${NS}-throttled-requests`,
      resource_group_name: 'rg',
      scopes: [refOf(namespace.resource, 'id')],
      description: 'Event Hubs throttled requests: ingress or egress is above the throughput units',
      severity: 2,
      frequency: 'PT1M',
      window_size: 'PT5M',
      auto_mitigate: true,
      criteria: [criterion('ThrottledRequests', 'GreaterThan', 0, '*')],
      action: [{ action_group_id: refOf(created.actionGroup, 'id') }],
    });
  });

  test('GIVEN defaults WHEN synthesized THEN server errors > 0 alert per event hub, severity 1', () => {
    const { stack, namespace, alerts: created } = alerts();
    expect(alertNamed(stack, `alert-${NS}-server-errors`)).toEqual({
      name: `alert-${NS}-server-errors`,
      resource_group_name: 'rg',
      scopes: [refOf(namespace.resource, 'id')],
      description: 'Event Hubs server errors',
      severity: 1,
      frequency: 'PT1M',
      window_size: 'PT5M',
      auto_mitigate: true,
      criteria: [criterion('ServerErrors', 'GreaterThan', 0, '*')],
      action: [{ action_group_id: refOf(created.actionGroup, 'id') }],
    });
  });

  test('GIVEN a hub of 4 partitions WHEN added THEN consumer lag fires on IncomingMessages > 2L and OutgoingMessages < L of that hub', () => {
    const { stack, namespace, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4 });
    const { incomingAbove, outgoingBelow } = deriveConsumerLagThresholds({ throughputUnits: 2, partitions: 4 }, 'PT15M');
    expect(alertNamed(stack, `alert-${NS}-evh-orders-consumer-lag`)).toEqual({
      name: `alert-${NS}-evh-orders-consumer-lag`,
      resource_group_name: 'rg',
      scopes: [refOf(namespace.resource, 'id')],
      description: 'Consumers of evh-orders fall behind: more than 360000 messages in, fewer than 180000 out in PT15M',
      severity: 2,
      frequency: 'PT5M',
      window_size: 'PT15M',
      auto_mitigate: true,
      criteria: [
        criterion('IncomingMessages', 'GreaterThan', incomingAbove, 'evh-orders'),
        criterion('OutgoingMessages', 'LessThan', outgoingBelow, 'evh-orders'),
      ],
      action: [{ action_group_id: refOf(created.actionGroup, 'id') }],
    });
  });

  test('GIVEN a PT1H window and a lag factor of 0.05 WHEN added THEN the thresholds follow the formula', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 1, consumerLag: { windowSize: 'PT1H', frequency: 'PT15M', lagFactor: 0.05 } });
    const lagEvents = Math.ceil(Math.min(2, 1) * 1000 * 3600 * 0.05);
    const criteria = alertNamed(stack, `alert-${NS}-evh-orders-consumer-lag`).criteria as Array<{ threshold: number }>;
    expect(criteria.map((c) => c.threshold)).toEqual([2 * lagEvents, lagEvents]);
  });

  test('GIVEN explicit lag thresholds WHEN added THEN they replace the derived ones', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, consumerLag: { incomingAbove: 5000, outgoingBelow: 100 } });
    const criteria = alertNamed(stack, `alert-${NS}-evh-orders-consumer-lag`).criteria as Array<{ threshold: number }>;
    expect(criteria.map((c) => c.threshold)).toEqual([5000, 100]);
  });

  test('GIVEN a hub with capture WHEN added THEN capture backlog fires above ingress × interval × 2, one sample a minute', () => {
    const { stack, namespace, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, captureIntervalSeconds: 300 });
    expect(alertNamed(stack, `alert-${NS}-evh-orders-capture-backlog`)).toEqual({
      name: `alert-${NS}-evh-orders-capture-backlog`,
      resource_group_name: 'rg',
      scopes: [refOf(namespace.resource, 'id')],
      description: 'Capture of evh-orders falls behind: more than 1200000 messages not yet written to the lake',
      severity: 2,
      frequency: 'PT1M',
      window_size: 'PT1M',
      auto_mitigate: true,
      criteria: [criterion('CaptureBacklog', 'GreaterThan', 1200000, 'evh-orders')],
      action: [{ action_group_id: refOf(created.actionGroup, 'id') }],
    });
  });

  test('GIVEN a hub without capture WHEN added THEN no capture backlog alert exists', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4 });
    expect(Object.values(resourcesOf(synthJson(stack), 'azurerm_monitor_metric_alert')).map((a) => a.name)).toEqual([
      `alert-${NS}-evh-orders-consumer-lag`,
      `alert-${NS}-server-errors`,
      `alert-${NS}-throttled-requests`,
    ]);
  });

  test('GIVEN a capture threshold override WHEN added THEN it is used', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, captureIntervalSeconds: 300, captureBacklog: { threshold: 42 } });
    const criteria = alertNamed(stack, `alert-${NS}-evh-orders-capture-backlog`).criteria as Array<{ threshold: number }>;
    expect(criteria[0].threshold).toBe(42);
  });
});

describe('StreamAlerts validation', () => {
  test('GIVEN a short name of 13 characters WHEN validated THEN it is refused', () => {
    const { stack } = alerts({ actionGroup: { name: 'ag', shortName: 'stream-dev-13' } });
    expect(problemsOf(stack)).toEqual(["[test/Alerts] actionGroup.shortName = 'stream-dev-13' is invalid; allowed: 1–12 characters"]);
  });

  test('GIVEN a malformed e-mail WHEN validated THEN it is refused', () => {
    const { stack } = alerts({ actionGroup: { name: 'ag', shortName: 'ops', emails: ['ops.example.com'] } });
    expect(problemsOf(stack)).toEqual([
      "[test/Alerts] actionGroup.emails[0] = 'ops.example.com' is invalid; allowed: an e-mail address such as ops@example.com",
    ]);
  });

  test('GIVEN an http webhook WHEN validated THEN only https is allowed', () => {
    const { stack } = alerts({ actionGroup: { name: 'ag', shortName: 'ops', webhooks: [{ name: 'pager', serviceUri: 'http://hooks.example.com/alerts' }] } });
    expect(problemsOf(stack)).toEqual([
      "[test/Alerts] actionGroup.webhooks[0].serviceUri = 'http://hooks.example.com/alerts' is invalid; allowed: an https:// URL",
    ]);
  });

  test('GIVEN two webhooks of one name WHEN validated THEN the second is refused', () => {
    const hook = { name: 'pager', serviceUri: 'https://hooks.example.com/alerts' };
    const { stack } = alerts({ actionGroup: { name: 'ag', shortName: 'ops', webhooks: [hook, hook] } });
    expect(problemsOf(stack)).toEqual([
      "[test/Alerts] actionGroup.webhooks[1].name = 'pager' is invalid; allowed: a name not used by another webhook of the action group",
    ]);
  });

  test('GIVEN no receiver WHEN synthesized THEN a warning says nobody is notified', () => {
    const { alerts: created } = alerts({ actionGroup: { name: 'ag', shortName: 'ops' } });
    expect(created.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
      'The action group has no e-mail or webhook receiver: alerts fire but notify no one.',
    ]);
  });

  test('GIVEN severity 5 WHEN validated THEN severities 0–4 are allowed', () => {
    const { stack } = alerts({ serverErrors: { severity: 5 } });
    expect(problemsOf(stack)).toEqual(['[test/Alerts] serverErrors.severity = 5 is invalid; allowed: an integer from 0 to 4']);
  });

  test('GIVEN severity NaN WHEN validated THEN it is refused as NaN', () => {
    const { stack } = alerts({ serverErrors: { severity: Number.NaN } });
    expect(problemsOf(stack)).toEqual(['[test/Alerts] serverErrors.severity = NaN is invalid; allowed: an integer from 0 to 4']);
  });

  test('GIVEN a negative throttled threshold WHEN validated THEN it is refused', () => {
    const { stack } = alerts({ throttledRequests: { threshold: -1 } });
    expect(problemsOf(stack)).toEqual(['[test/Alerts] throttledRequests.threshold = -1 is invalid; allowed: a number of requests, 0 or more']);
  });

  test('GIVEN a frequency longer than the window WHEN validated THEN the frequencies that fit are listed', () => {
    const { stack } = alerts({ throttledRequests: { frequency: 'PT15M', windowSize: 'PT5M' } });
    expect(problemsOf(stack)).toEqual([
      "[test/Alerts] throttledRequests.frequency = 'PT15M' is invalid; allowed: a frequency no longer than windowSize 'PT5M': one of 'PT1M', 'PT5M'",
    ]);
  });

  test('GIVEN a window Azure does not offer WHEN validated THEN the ISO-8601 values are listed', () => {
    const { stack } = alerts({ throttledRequests: { windowSize: 'PT10M' as never } });
    expect(problemsOf(stack)).toEqual([
      "[test/Alerts] throttledRequests.windowSize = 'PT10M' is invalid; allowed: one of 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'",
    ]);
  });

  test('GIVEN a frequency Azure does not offer WHEN validated THEN the ISO-8601 values are listed', () => {
    const { stack } = alerts({ serverErrors: { frequency: 'PT2M' as never } });
    expect(problemsOf(stack)).toEqual(["[test/Alerts] serverErrors.frequency = 'PT2M' is invalid; allowed: one of 'PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'"]);
  });

  test('GIVEN a zero lag threshold WHEN validated THEN it must be greater than 0', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, consumerLag: { incomingAbove: 0 } });
    expect(problemsOf(stack)).toEqual([
      '[test/Alerts] eventHubs.evh-orders.consumerLag.incomingAbove = 0 is invalid; allowed: a number of messages greater than 0',
    ]);
  });

  test('GIVEN outgoingBelow not below incomingAbove WHEN validated THEN the lag it would detect is explained', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, consumerLag: { incomingAbove: 100, outgoingBelow: 100 } });
    expect(problemsOf(stack)).toEqual([
      '[test/Alerts] eventHubs.evh-orders.consumerLag.outgoingBelow = 100 is invalid; allowed: a number below incomingAbove 100 (the lag the alert detects is incomingAbove − outgoingBelow)',
    ]);
  });

  test('GIVEN a NaN lag factor WHEN validated THEN the factor is refused, and not again through the thresholds derived from it', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, consumerLag: { lagFactor: Number.NaN } });
    expect(problemsOf(stack)).toEqual(['[test/Alerts] eventHubs.evh-orders.consumerLag.lagFactor = NaN is invalid; allowed: a number greater than 0']);
  });

  test('GIVEN a capture threshold of Infinity WHEN validated THEN it is refused', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, captureIntervalSeconds: 300, captureBacklog: { threshold: Number.POSITIVE_INFINITY } });
    expect(problemsOf(stack)).toEqual([
      '[test/Alerts] eventHubs.evh-orders.captureBacklog.threshold = Infinity is invalid; allowed: a number of messages greater than 0',
    ]);
  });

  test('GIVEN capture backlog options without a capture interval WHEN validated THEN the conflict is named', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, captureBacklog: { threshold: 10 } });
    expect(problemsOf(stack)).toEqual([
      "[test/Alerts] eventHubs.evh-orders.captureBacklog is set but captureIntervalSeconds is not; give the hub's capture interval or remove captureBacklog",
    ]);
  });

  test('GIVEN a capture interval of 30 s WHEN validated THEN the alerts leave it to the event hub that owns it', () => {
    const { stack, alerts: created } = alerts();
    created.addEventHub('evh-orders', { partitions: 4, captureIntervalSeconds: 30 });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('GIVEN 0 throughput units WHEN validated THEN 1–40 are allowed', () => {
    const { stack } = alerts({ throughputUnits: 0 });
    expect(problemsOf(stack)).toEqual(['[test/Alerts] throughputUnits = 0 is invalid; allowed: an integer from 1 to 40']);
  });

  test('GIVEN the same hub twice WHEN added THEN the second is a problem and returns the first alerts', () => {
    const { stack, alerts: created } = alerts();
    const first = created.addEventHub('evh-orders', { partitions: 4 });
    expect(created.addEventHub('evh-orders', { partitions: 4 })).toBe(first);
    expect(problemsOf(stack)).toEqual(["[test/Alerts] eventHubs.evh-orders = 'evh-orders' is invalid; allowed: an event hub not added before"]);
  });
});
