import type { StreamDefinition } from '../../constructs/streams/stream-definition';

/** The default app's manufacturing sensors (sensor_id, device_type, timestamp, value, unit, location, status), read through the Kafka endpoint; the same stream as `schema/examples/valid/manufacturing-sensors.json`. */
export const manufacturingSensors: StreamDefinition = {
  name: 'manufacturing-sensors',
  description: 'Factory-floor sensors. Some send fahrenheit: readings are standardized to celsius before validation and aggregation.',
  schema: {
    fields: [
      {
        name: 'event_id',
        type: 'string',
        required: true,
      },
      {
        name: 'sensor_id',
        type: 'string',
        required: true,
      },
      {
        name: 'device_type',
        type: 'string',
        required: true,
        allowed: ['thermocouple', 'rtd', 'infrared'],
      },
      {
        name: 'timestamp',
        type: 'timestamp',
        required: true,
      },
      {
        name: 'value',
        type: 'double',
        required: true,
        min: -50,
        max: 500,
      },
      {
        name: 'unit',
        type: 'string',
        required: true,
        allowed: ['celsius', 'fahrenheit'],
      },
      {
        name: 'location',
        type: 'string',
        required: true,
      },
      {
        name: 'status',
        type: 'string',
        required: false,
        allowed: ['ok', 'warning', 'error', 'critical'],
      },
    ],
  },
  eventTimeField: 'timestamp',
  eventIdField: 'event_id',
  entityField: 'sensor_id',
  source: {
    type: 'kafka',
    eventHubName: 'evh-manufacturing-sensors',
    partitions: 8,
    retentionDays: 7,
    consumerGroups: {
      bronze: 'cg-bronze',
    },
    startingPosition: 'latest',
    maxEventsPerTrigger: 8000,
  },
  watermark: '5 minutes',
  standardize: [
    {
      field: 'value',
      unitField: 'unit',
      from: 'fahrenheit',
      to: 'celsius',
    },
  ],
  windows: [
    {
      id: 'tumbling_1m',
      type: 'tumbling',
      duration: '1 minute',
    },
    {
      id: 'sliding_5m_1m',
      type: 'sliding',
      duration: '5 minutes',
      slide: '1 minute',
    },
    {
      id: 'session_15m',
      type: 'session',
      gap: '15 minutes',
    },
  ],
  aggregation: {
    dimensions: ['sensor_id', 'location'],
    measures: ['value'],
  },
  anomalies: [
    {
      id: 'overheat',
      type: 'threshold',
      field: 'value',
      operator: '>=',
      value: 300,
      severity: 'critical',
    },
    {
      id: 'freezing',
      type: 'threshold',
      field: 'value',
      operator: '<=',
      value: 0,
      severity: 'warning',
    },
    {
      id: 'value_spike',
      type: 'spike',
      field: 'value',
      increasePercent: 25,
      within: '30 seconds',
      severity: 'warning',
    },
    {
      id: 'sensor_silent',
      type: 'missing',
      timeout: '2 minutes',
      severity: 'warning',
    },
    {
      id: 'status_fault',
      type: 'status',
      field: 'status',
      values: ['error', 'critical'],
      severity: 'critical',
    },
  ],
  features: {
    field: 'value',
    window: '10 minutes',
  },
  target: {
    catalog: 'manufacturing',
    schemas: {
      bronze: 'bronze',
      silver: 'silver',
      gold: 'gold',
    },
    table: 'sensor_readings',
  },
  trigger: {
    type: 'availableNow',
  },
};
