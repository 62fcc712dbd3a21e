import type { StreamDefinition } from '../../constructs/streams/stream-definition';

/** The default app's weather stations (temperature, humidity, wind_speed, precipitation, conditions, wind_direction); the same stream as `schema/examples/valid/weather.json`. */
export const weather: StreamDefinition = {
  name: 'weather',
  description: 'Weather station observations.',
  schema: {
    fields: [
      {
        name: 'event_id',
        type: 'string',
        required: true,
      },
      {
        name: 'station_id',
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
        min: -90,
        max: 60,
      },
      {
        name: 'humidity',
        type: 'double',
        required: false,
        min: 0,
        max: 100,
      },
      {
        name: 'wind_speed',
        type: 'double',
        required: false,
        min: 0,
        max: 120,
      },
      {
        name: 'precipitation',
        type: 'double',
        required: false,
        min: 0,
      },
      {
        name: 'conditions',
        type: 'string',
        required: false,
        allowed: ['clear', 'cloudy', 'rain', 'snow', 'fog', 'storm', 'hail'],
      },
      {
        name: 'wind_direction',
        type: 'integer',
        required: false,
        min: 0,
        max: 359,
      },
    ],
  },
  eventTimeField: 'timestamp',
  eventIdField: 'event_id',
  entityField: 'station_id',
  source: {
    type: 'eventhubs',
    eventHubName: 'evh-weather',
    partitions: 2,
    retentionDays: 3,
    consumerGroups: {
      bronze: '$Default',
    },
    startingPosition: 'earliest',
    maxEventsPerTrigger: 2000,
  },
  watermark: '15 minutes',
  standardize: [],
  windows: [
    {
      id: 'tumbling_10m',
      type: 'tumbling',
      duration: '10 minutes',
    },
    {
      id: 'sliding_1h_10m',
      type: 'sliding',
      duration: '1 hour',
      slide: '10 minutes',
    },
    {
      id: 'session_30m',
      type: 'session',
      gap: '30 minutes',
    },
  ],
  aggregation: {
    dimensions: ['station_id', 'conditions'],
    measures: ['temperature', 'humidity', 'wind_speed', 'precipitation'],
  },
  anomalies: [
    {
      id: 'gale',
      type: 'threshold',
      field: 'wind_speed',
      operator: '>=',
      value: 62,
      severity: 'warning',
    },
    {
      id: 'heavy_rain',
      type: 'threshold',
      field: 'precipitation',
      operator: '>',
      value: 50,
      severity: 'warning',
    },
    {
      id: 'temperature_jump',
      type: 'spike',
      field: 'temperature',
      increasePercent: 50,
      within: '10 minutes',
      severity: 'info',
    },
    {
      id: 'station_offline',
      type: 'missing',
      timeout: '30 minutes',
      severity: 'warning',
    },
    {
      id: 'severe_weather',
      type: 'status',
      field: 'conditions',
      values: ['storm', 'hail'],
      severity: 'critical',
    },
  ],
  features: {
    field: 'temperature',
    window: '1 hour',
  },
  target: {
    catalog: null,
    schemas: {
      bronze: 'bronze',
      silver: 'silver',
      gold: 'gold',
    },
    table: 'weather_observations',
  },
  trigger: {
    type: 'processingTime',
    interval: '1 minute',
  },
};
