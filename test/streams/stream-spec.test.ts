import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StreamDefinition, serializeStreamSpec, toStreamSpec, validateStreamSpec } from '../../constructs/streams';
import { EXAMPLE_STREAMS } from '../../stacks/streams';

const IOT_TELEMETRY_FILE = join(__dirname, '..', '..', 'schema', 'examples', 'valid', 'iot-telemetry.json');

/** Only what has no default. */
const minimal: StreamDefinition = {
  name: 'door-sensors',
  schema: {
    fields: [
      { name: 'event_id', type: 'string' },
      { name: 'door_id', type: 'long' },
      { name: 'opened_at', type: 'timestamp' },
      { name: 'open_seconds', type: 'double' },
    ],
  },
  eventTimeField: 'opened_at',
  eventIdField: 'event_id',
  entityField: 'door_id',
  source: { type: 'eventhubs', partitions: 2, retentionDays: 1 },
  watermark: '5 minutes',
  windows: [{ id: 'tumbling_1m', type: 'tumbling', duration: '1 minute' }],
  aggregation: { dimensions: ['door_id'], measures: ['open_seconds'] },
};

/** The TypeScript twin of schema/examples/valid/iot-telemetry.json, written the way a team would (defaults left out). */
const iotTelemetry: StreamDefinition = {
  name: 'iot-telemetry',
  description: 'IoT device telemetry: temperature and humidity per device and location.',
  schema: {
    fields: [
      { name: 'event_id', type: 'string', required: true },
      { name: 'device_id', type: 'string', required: true },
      { name: 'timestamp', type: 'timestamp', required: true },
      { name: 'temperature', type: 'double', required: true, min: -60, max: 150 },
      { name: 'humidity', type: 'double' },
      { name: 'location', type: 'string', required: true },
      { name: 'status', type: 'string', allowed: ['normal', 'warning', 'error', 'critical'] },
    ],
  },
  eventTimeField: 'timestamp',
  eventIdField: 'event_id',
  entityField: 'device_id',
  source: { type: 'eventhubs', partitions: 4, retentionDays: 1 },
  watermark: '10 minutes',
  windows: [
    { id: 'tumbling_1m', type: 'tumbling', duration: '1 minute' },
    { id: 'sliding_5m_1m', type: 'sliding', duration: '5 minutes', slide: '1 minute' },
    { id: 'session_10m', type: 'session', gap: '10 minutes' },
  ],
  aggregation: { dimensions: ['device_id', 'location'], measures: ['temperature', 'humidity'] },
  anomalies: [
    { id: 'high_temperature', type: 'threshold', field: 'temperature', operator: '>', value: 100, severity: 'critical' },
    { id: 'low_temperature', type: 'threshold', field: 'temperature', operator: '<', value: -40, severity: 'critical' },
    { id: 'invalid_humidity_high', type: 'threshold', field: 'humidity', operator: '>', value: 100, severity: 'warning' },
    { id: 'invalid_humidity_low', type: 'threshold', field: 'humidity', operator: '<', value: 0, severity: 'warning' },
    { id: 'temperature_spike', type: 'spike', field: 'temperature', increasePercent: 20, within: '1 minute', severity: 'warning' },
    { id: 'device_silent', type: 'missing', timeout: '5 minutes', severity: 'warning' },
    { id: 'status_error', type: 'status', field: 'status', values: ['error', 'critical'], severity: 'critical' },
  ],
  features: { field: 'temperature', window: '5 minutes' },
};

describe('toStreamSpec', () => {
  test('a minimal definition gets every default', () => {
    expect(toStreamSpec(minimal)).toStrictEqual({
      specVersion: 1,
      name: 'door-sensors',
      schema: {
        fields: [
          { name: 'event_id', type: 'string', required: false },
          { name: 'door_id', type: 'long', required: false },
          { name: 'opened_at', type: 'timestamp', required: false },
          { name: 'open_seconds', type: 'double', required: false },
        ],
      },
      eventTimeField: 'opened_at',
      eventIdField: 'event_id',
      entityField: 'door_id',
      source: {
        type: 'eventhubs',
        eventHubName: 'evh-door-sensors',
        partitions: 2,
        retentionDays: 1,
        consumerGroups: { bronze: 'cg-bronze' },
        startingPosition: 'earliest',
        maxEventsPerTrigger: 2000, // 2 partitions × 1000
      },
      watermark: '5 minutes',
      standardize: [],
      windows: [{ id: 'tumbling_1m', type: 'tumbling', duration: '1 minute' }],
      aggregation: { dimensions: ['door_id'], measures: ['open_seconds'] },
      anomalies: [],
      target: { catalog: null, schemas: { bronze: 'bronze', silver: 'silver', gold: 'gold' }, table: 'door_sensors' },
      trigger: { type: 'processingTime', interval: '10 seconds' },
    });
  });

  test('the spec of a minimal definition validates', () => {
    expect(validateStreamSpec(toStreamSpec(minimal))).toEqual([]);
  });

  test('given values win over every default', () => {
    const spec = toStreamSpec({
      ...minimal,
      source: {
        type: 'kafka',
        eventHubName: 'doors',
        partitions: 2,
        retentionDays: 7,
        consumerGroups: { bronze: '$Default' },
        startingPosition: 'latest',
        maxEventsPerTrigger: 500,
      },
      target: { catalog: 'facilities', schemas: { gold: 'reporting' }, table: 'door_events' },
      trigger: { type: 'availableNow' },
    });

    expect(spec.source).toStrictEqual({
      type: 'kafka',
      eventHubName: 'doors',
      partitions: 2,
      retentionDays: 7,
      consumerGroups: { bronze: '$Default' },
      startingPosition: 'latest',
      maxEventsPerTrigger: 500,
    });
    expect(spec.target).toStrictEqual({ catalog: 'facilities', schemas: { bronze: 'bronze', silver: 'silver', gold: 'reporting' }, table: 'door_events' });
    expect(spec.trigger).toStrictEqual({ type: 'availableNow' });
    expect(validateStreamSpec(spec)).toEqual([]);
  });

  test("a threshold's condition is serialized when given and absent otherwise", () => {
    const threshold = { id: 'large_purchase', type: 'threshold', field: 'open_seconds', operator: '>', value: 600, severity: 'warning' } as const;
    const withCondition = { ...threshold, condition: { field: 'door_id', equals: 7 } };
    const spec = toStreamSpec({ ...minimal, anomalies: [withCondition] });
    expect(spec.anomalies).toStrictEqual([withCondition]);
    expect(validateStreamSpec(spec)).toEqual([]);
    expect(toStreamSpec({ ...minimal, anomalies: [threshold] }).anomalies).toStrictEqual([threshold]);
  });

  test('enrichment is written after standardize, onMissing defaulting to keep, and left out when there is none', () => {
    const spec = toStreamSpec({
      ...minimal,
      enrichment: [
        { table: 'silver.doors', keys: ['door_id'], columns: ['building'] },
        { table: 'gold.zones', keys: ['door_id'], columns: ['zone'], onMissing: 'quarantine' },
      ],
    });
    expect(spec.enrichment).toStrictEqual([
      { table: 'silver.doors', keys: ['door_id'], columns: ['building'], onMissing: 'keep' },
      { table: 'gold.zones', keys: ['door_id'], columns: ['zone'], onMissing: 'quarantine' },
    ]);
    const keys = Object.keys(spec);
    expect(keys.indexOf('enrichment')).toBe(keys.indexOf('standardize') + 1);
    expect(validateStreamSpec(spec)).toEqual([]);
    expect('enrichment' in toStreamSpec(minimal)).toBe(false);
    expect('enrichment' in toStreamSpec({ ...minimal, enrichment: [] })).toBe(false);
  });

  test('the change data feed switch is written when on and left out otherwise', () => {
    const on = toStreamSpec({ ...minimal, target: { changeDataFeed: true } });
    expect(on.target).toStrictEqual({
      catalog: null,
      schemas: { bronze: 'bronze', silver: 'silver', gold: 'gold' },
      table: 'door_sensors',
      changeDataFeed: true,
    });
    expect(validateStreamSpec(on)).toEqual([]);
    expect('changeDataFeed' in toStreamSpec({ ...minimal, target: { changeDataFeed: false } }).target).toBe(false);
  });

  test('joins are written after features, type defaulting to inner, and left out when there is none', () => {
    const join = { id: 'closed', stream: 'door-alarms', keys: ['door_id'], within: '2 minutes', columns: ['alarm_level'] } as const;
    const spec = toStreamSpec({ ...minimal, joins: [join, { ...join, id: 'closed_or_not', type: 'leftOuter' }] });
    expect(spec.joins).toStrictEqual([
      { ...join, keys: ['door_id'], columns: ['alarm_level'], type: 'inner' },
      { ...join, id: 'closed_or_not', keys: ['door_id'], columns: ['alarm_level'], type: 'leftOuter' },
    ]);
    expect(validateStreamSpec(spec)).toEqual([]);
    expect('joins' in toStreamSpec({ ...minimal, joins: [] })).toBe(false);
  });

  test('an explicit null catalog stays null', () => {
    expect(toStreamSpec({ ...minimal, target: { catalog: null } }).target.catalog).toBeNull();
  });

  test('the spec shares no arrays with the definition', () => {
    const spec = toStreamSpec(iotTelemetry);
    expect(spec.aggregation.dimensions).not.toBe(iotTelemetry.aggregation.dimensions);
    expect(spec.schema.fields).not.toBe(iotTelemetry.schema.fields);
  });
});

describe('serializeStreamSpec', () => {
  test('the TypeScript twin of iot-telemetry serializes to the example file', () => {
    const file = JSON.parse(readFileSync(IOT_TELEMETRY_FILE, 'utf-8'));

    const serialized = serializeStreamSpec(toStreamSpec(iotTelemetry));

    expect(JSON.parse(serialized)).toStrictEqual(file);
    // same keys in the same order, at every level
    expect(serialized).toBe(JSON.stringify(file));
  });

  test.each(EXAMPLE_STREAMS.map((stream) => [stream.name, stream] as const))(
    'the default app stream %s serializes to schema/examples/valid/<name>.json, byte for byte',
    (name, stream) => {
      const file = readFileSync(join(__dirname, '..', '..', 'schema', 'examples', 'valid', `${name}.json`), 'utf-8');
      expect(serializeStreamSpec(toStreamSpec(stream))).toBe(JSON.stringify(JSON.parse(file)));
    },
  );

  test('is deterministic: the same definition serializes to the same string every time', () => {
    const first = serializeStreamSpec(toStreamSpec(iotTelemetry));
    const second = serializeStreamSpec(toStreamSpec(iotTelemetry));
    expect(second).toBe(first);
    expect(serializeStreamSpec(toStreamSpec(minimal))).toBe(serializeStreamSpec(toStreamSpec(minimal)));
  });

  test('keys follow the schema order whatever order the definition was written in', () => {
    const reordered = Object.fromEntries(Object.entries(iotTelemetry).reverse()) as unknown as StreamDefinition;
    expect(serializeStreamSpec(toStreamSpec(reordered))).toBe(serializeStreamSpec(toStreamSpec(iotTelemetry)));
  });

  test('leaves out what is not set: no description, no features', () => {
    const keys = Object.keys(JSON.parse(serializeStreamSpec(toStreamSpec(minimal))));
    expect(keys).toEqual([
      'specVersion',
      'name',
      'schema',
      'eventTimeField',
      'eventIdField',
      'entityField',
      'source',
      'watermark',
      'standardize',
      'windows',
      'aggregation',
      'anomalies',
      'target',
      'trigger',
    ]);
  });
});
