import type { StreamDefinition } from '../../constructs/streams/stream-definition';

/** The default app's IoT telemetry (device_id, timestamp, temperature, humidity, location) and the anomaly rules of the seeds; the same stream as `schema/examples/valid/iot-telemetry.json`. */
export const iotTelemetry: StreamDefinition = {
  name: 'iot-telemetry',
  description: 'IoT device telemetry: temperature and humidity per device and location.',
  schema: {
    fields: [
      {
        name: 'event_id',
        type: 'string',
        required: true,
      },
      {
        name: 'device_id',
        type: 'string',
        required: true,
      },
      {
        name: 'timestamp',
        type: 'timestamp',
        required: true,
      },
      {
        name: 'temperature',
        type: 'double',
        required: true,
        min: -60,
        max: 150,
      },
      {
        name: 'humidity',
        type: 'double',
        required: false,
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
        allowed: ['normal', 'warning', 'error', 'critical'],
      },
    ],
  },
  eventTimeField: 'timestamp',
  eventIdField: 'event_id',
  entityField: 'device_id',
  source: {
    type: 'eventhubs',
    eventHubName: 'evh-iot-telemetry',
    partitions: 4,
    retentionDays: 1,
    consumerGroups: {
      bronze: 'cg-bronze',
    },
    startingPosition: 'earliest',
    maxEventsPerTrigger: 4000,
  },
  watermark: '10 minutes',
  standardize: [],
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
      id: 'session_10m',
      type: 'session',
      gap: '10 minutes',
    },
  ],
  aggregation: {
    dimensions: ['device_id', 'location'],
    measures: ['temperature', 'humidity'],
  },
  anomalies: [
    {
      id: 'high_temperature',
      type: 'threshold',
      field: 'temperature',
      operator: '>',
      value: 100,
      severity: 'critical',
    },
    {
      id: 'low_temperature',
      type: 'threshold',
      field: 'temperature',
      operator: '<',
      value: -40,
      severity: 'critical',
    },
    {
      id: 'invalid_humidity_high',
      type: 'threshold',
      field: 'humidity',
      operator: '>',
      value: 100,
      severity: 'warning',
    },
    {
      id: 'invalid_humidity_low',
      type: 'threshold',
      field: 'humidity',
      operator: '<',
      value: 0,
      severity: 'warning',
    },
    {
      id: 'temperature_spike',
      type: 'spike',
      field: 'temperature',
      increasePercent: 20,
      within: '1 minute',
      severity: 'warning',
    },
    {
      id: 'device_silent',
      type: 'missing',
      timeout: '5 minutes',
      severity: 'warning',
    },
    {
      id: 'status_error',
      type: 'status',
      field: 'status',
      values: ['error', 'critical'],
      severity: 'critical',
    },
  ],
  features: {
    field: 'temperature',
    window: '5 minutes',
  },
  target: {
    catalog: null,
    schemas: {
      bronze: 'bronze',
      silver: 'silver',
      gold: 'gold',
    },
    table: 'iot_telemetry',
  },
  trigger: {
    type: 'processingTime',
    interval: '10 seconds',
  },
};
