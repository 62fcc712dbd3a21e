import { App, Testing } from 'cdktf';
import { ConfigurationError, collectProblems, synthesizeOrExit } from '../constructs/core/synthesis';
import type { StreamDefinition } from '../constructs/streams/stream-definition';
import { addEnvironment, addStream, type EnvironmentStacks } from '../stacks/app';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import type { EnvironmentConfig } from '../stacks/config/environment';
import { resourcesOf, type TerraformJson } from './helpers/synth';

/** The README's `orders` stream: no anomalies, no features, no sizing of its own. */
const ORDERS: StreamDefinition = {
  name: 'orders',
  eventTimeField: 'ts',
  eventIdField: 'order_id',
  entityField: 'store_id',
  watermark: '5 minutes',
  schema: {
    fields: [
      { name: 'order_id', type: 'string', required: true },
      { name: 'store_id', type: 'string', required: true },
      { name: 'ts', type: 'timestamp', required: true },
      { name: 'amount', type: 'double', min: 0 },
    ],
  },
  source: { type: 'eventhubs' },
  windows: [{ id: 'tumbling_1m', type: 'tumbling', duration: '1 minute' }],
  aggregation: { dimensions: ['store_id'], measures: ['amount'] },
};

function environment(config: EnvironmentConfig = DEFAULT_ENVIRONMENTS.dev): { app: App; stacks: EnvironmentStacks } {
  const app = Testing.app();
  return { app, stacks: addEnvironment(app, config, []) };
}

function withConfig(name: string, change: (c: EnvironmentConfig) => EnvironmentConfig): EnvironmentConfig {
  return change(DEFAULT_ENVIRONMENTS[name]);
}

const synth = (stack: EnvironmentStacks['platform'] | EnvironmentStacks['workspace']): TerraformJson => JSON.parse(Testing.synth(stack, false));

describe('composing a stream', () => {
  test('a stream that sets no partitions or retention gets its environment’s defaults', () => {
    const { stacks } = environment(DEFAULT_ENVIRONMENTS.prod);
    addStream(stacks, ORDERS);
    const [hub] = Object.values(resourcesOf(synth(stacks.platform), 'azurerm_eventhub'));
    expect([hub.partition_count, hub.message_retention]).toEqual([16, 7]);
  });

  test('a stream without anomaly rules gets no anomaly alert and a dashboard without anomaly widgets', () => {
    const { stacks } = environment();
    addStream(stacks, ORDERS);
    const workspace = synth(stacks.workspace);
    expect(Object.keys(resourcesOf(workspace, 'databricks_alert'))).toEqual([]);
    expect(Object.keys(resourcesOf(workspace, 'databricks_query'))).toEqual([]);
    const [dashboard] = Object.values(resourcesOf(workspace, 'databricks_dashboard'));
    const document = JSON.parse(dashboard.serialized_dashboard as string);
    expect(document.datasets.map((d: { name: string }) => d.name)).toEqual(['gold']);
    expect(document.pages[0].layout.map((w: { widget: { name: string } }) => w.widget.name)).toEqual(['events_per_window']);
  });

  test('a Kafka stream creates no Event Hubs consumer group (the Kafka endpoint has groups of its own)', () => {
    const { stacks } = environment();
    addStream(stacks, { ...ORDERS, source: { type: 'kafka' } });
    expect(resourcesOf(synth(stacks.platform), 'azurerm_eventhub_consumer_group')).toEqual({});
  });

  test('an eventhubs stream reads with its own consumer group', () => {
    const { stacks } = environment();
    addStream(stacks, ORDERS);
    const groups = Object.values(resourcesOf(synth(stacks.platform), 'azurerm_eventhub_consumer_group'));
    expect(groups.map((g) => g.name)).toEqual(['cg-bronze']);
  });
});

describe('one mistake, one message', () => {
  test('two streams with the same name are one problem naming both, not a construct error', () => {
    const { app, stacks } = environment();
    addStream(stacks, ORDERS);
    addStream(stacks, { ...ORDERS, source: { type: 'eventhubs', eventHubName: 'evh-orders-2' } });
    expect(collectProblems(app)).toEqual([
      "[dev-platform] streams: stream #1 'orders' and stream #2 'orders' have the same name; each stream of environment dev needs its own name",
    ]);
  });

  test('two streams on one event hub are one problem naming both', () => {
    const { app, stacks } = environment();
    addStream(stacks, ORDERS);
    addStream(stacks, { ...ORDERS, name: 'refunds', source: { type: 'eventhubs', eventHubName: 'evh-orders' } });
    expect(collectProblems(app)).toEqual([
      "[dev-platform] streams: stream #1 'orders' and stream #2 'refunds' both read event hub 'evh-orders'; each stream of environment dev needs its own event hub (source.eventHubName)",
    ]);
  });

  test('partitions out of range are reported once, by the stream definition', () => {
    const { app, stacks } = environment();
    addStream(stacks, { ...ORDERS, source: { type: 'eventhubs', partitions: 0 } });
    expect(collectProblems(app)).toEqual([
      '[dev-platform/Stream-orders] definition $.source.partitions = 0 is invalid: out of range; allowed: an integer from 1 to 1024',
    ]);
  });

  test('partitions beyond the tier are reported once, by the event hub', () => {
    const { app, stacks } = environment();
    addStream(stacks, { ...ORDERS, source: { type: 'eventhubs', partitions: 64 } });
    expect(collectProblems(app)).toEqual([
      '[dev-platform/EventHubs/EventHub-orders] partitions = 64 is invalid; allowed: an integer from 1 to 32 for tier Standard',
    ]);
  });

  test('a capture interval out of range is reported once, by the event hub', () => {
    const config = withConfig('staging', (c) => ({ ...c, eventHubs: { ...c.eventHubs, capture: { ...c.eventHubs.capture, intervalSeconds: 30 } } }));
    const { app, stacks } = environment(config);
    addStream(stacks, ORDERS);
    expect(collectProblems(app)).toEqual([
      '[staging-platform/EventHubs/EventHub-orders] capture.intervalSeconds = 30 is invalid; allowed: an integer from 60 to 900',
    ]);
  });

  test('a missing watermark says what a watermark is', () => {
    const { app, stacks } = environment();
    const { watermark: _watermark, ...withoutWatermark } = ORDERS;
    addStream(stacks, withoutWatermark as StreamDefinition);
    expect(collectProblems(app)).toEqual([
      "[dev-platform/Stream-orders] definition $.watermark is required but missing; allowed: a duration like '10 seconds', '1 minute', '5 minutes', '2 hours', '1 day'",
    ]);
  });

  test('a scheduled stream whose schedule and retries outlast its retention is an error', () => {
    const config = withConfig('dev', (c) => ({ ...c, databricks: { ...c.databricks, jobMode: 'availableNow', schedule: '0 0 2 * * ?' } }));
    const { app, stacks } = environment(config);
    addStream(stacks, ORDERS);
    expect(collectProblems(app)).toEqual([
      "[dev-workspace/Stream-orders] schedule.quartzCronExpression = '0 0 2 * * ?' is invalid; allowed: a schedule whose longest gap (24 h) plus 2 retries of up to 1.02 h each (26.03 h in all) fits in the retention of event hub 'evh-orders' (1 day(s) = 24 h); otherwise events expire before a run reads them: run more often, retry less, or raise the retention",
    ]);
  });

  test('the same schedule with a retention that covers it is fine', () => {
    const config = withConfig('dev', (c) => ({ ...c, databricks: { ...c.databricks, jobMode: 'availableNow', schedule: '0 0 2 * * ?' } }));
    const { app, stacks } = environment(config);
    addStream(stacks, { ...ORDERS, source: { type: 'eventhubs', retentionDays: 2 } });
    expect(collectProblems(app)).toEqual([]);
  });
});

describe('synthesizeOrExit', () => {
  test('prints each problem once and exits 1', () => {
    const { app, stacks } = environment();
    addStream(stacks, { ...ORDERS, source: { type: 'eventhubs', partitions: 0 } });
    const written: string[] = [];
    const codes: number[] = [];
    synthesizeOrExit(app, 'unused', { stderr: { write: (text) => written.push(text) }, exit: (code) => codes.push(code) });
    expect(written).toEqual([
      'Invalid configuration (1 problem):\n  [dev-platform/Stream-orders] definition $.source.partitions = 0 is invalid: out of range; allowed: an integer from 1 to 1024\n',
    ]);
    expect(codes).toEqual([1]);
  });

  test('an error that is not a configuration problem propagates', () => {
    const app = new App({ outdir: 'unused' });
    app.node.addValidation({
      validate: () => {
        throw new TypeError('a bug');
      },
    });
    expect(() => synthesizeOrExit(app, 'unused', { stderr: { write: () => true }, exit: () => undefined })).toThrow(TypeError);
    expect(ConfigurationError).toBeDefined();
  });
});
