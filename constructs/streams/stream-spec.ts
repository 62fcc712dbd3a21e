import type { AnomalyDefinition, FieldDefinition, StartingPosition, StreamDefinition, TriggerDefinition, WindowDefinition } from './stream-definition';
import type { StreamSpecAnomaly, StreamSpecDocument, StreamSpecField, StreamSpecStandardization, StreamSpecWindow } from './stream-spec-document.generated';

/**
 * A stream spec v1 document as `toStreamSpec` writes it: the schema's document (`StreamSpecDocument`, its types
 * generated from `schema/stream-spec.v1.schema.json`) with every default applied, so what the schema lets a
 * document leave out is always there.
 */
export type StreamSpecV1 = Omit<StreamSpecDocument, 'schema' | 'standardize' | 'anomalies'> & {
  schema: { fields: Array<StreamSpecField & { required: boolean }> };
  standardize: StreamSpecStandardization[];
  anomalies: StreamSpecAnomaly[];
};

export type StreamSpecTrigger = StreamSpecDocument['trigger'];

/**
 * Every default of an optional `StreamDefinition` property. `toStreamSpec` is the only code that applies them,
 * and the `@default` docs of `StreamDefinition` describe exactly these values.
 */
export const STREAM_DEFAULTS = {
  /** A field without `required` is optional (the schema's default). */
  fieldRequired: false,
  eventHubName: (streamName: string): string => `evh-${streamName}`,
  consumerGroupBronze: 'cg-bronze',
  /** Sizing of a stream that sets none, where no environment gives its own (`SourceDefaults`). */
  source: { partitions: 4, retentionDays: 1 } as SourceDefaults,
  startingPosition: 'earliest' as StartingPosition,
  /** Events per partition per micro-batch: `maxEventsPerTrigger` defaults to partitions × this. */
  maxEventsPerPartitionPerTrigger: 1000,
  catalog: null,
  schemas: { bronze: 'bronze', silver: 'silver', gold: 'gold' },
  table: (streamName: string): string => streamName.replace(/-/g, '_'),
  trigger: { type: 'processingTime', interval: '10 seconds' } as StreamSpecTrigger,
  enrichmentOnMissing: 'keep' as const,
  joinType: 'inner' as const,
} as const;

/** The partitions and retention a stream gets when its definition leaves them out (an environment's sizing). */
export interface SourceDefaults {
  readonly partitions: number;
  readonly retentionDays: number;
}

/**
 * The spec v1 document of a stream definition: defaults applied, keys in the schema's order (so the
 * serialization is stable), no property left `undefined`. It does not validate: see `validateStreamSpec`.
 */
export function toStreamSpec(definition: StreamDefinition, sourceDefaults: SourceDefaults = STREAM_DEFAULTS.source): StreamSpecV1 {
  const d = definition;
  const source = d.source;
  const partitions = source.partitions ?? sourceDefaults.partitions;
  const target = d.target ?? {};
  return {
    specVersion: 1,
    name: d.name,
    ...(d.description !== undefined ? { description: d.description } : {}),
    schema: { fields: d.schema.fields.map(toField) },
    eventTimeField: d.eventTimeField,
    eventIdField: d.eventIdField,
    entityField: d.entityField,
    source: {
      type: source.type,
      eventHubName: source.eventHubName ?? STREAM_DEFAULTS.eventHubName(d.name),
      partitions,
      retentionDays: source.retentionDays ?? sourceDefaults.retentionDays,
      consumerGroups: { bronze: source.consumerGroups?.bronze ?? STREAM_DEFAULTS.consumerGroupBronze },
      startingPosition: source.startingPosition ?? STREAM_DEFAULTS.startingPosition,
      // Derived from partitions: a bad partition count is its own mistake, reported once, not again here.
      maxEventsPerTrigger: source.maxEventsPerTrigger ?? Math.max(1, partitions) * STREAM_DEFAULTS.maxEventsPerPartitionPerTrigger,
    },
    watermark: d.watermark,
    standardize: (d.standardize ?? []).map((s) => ({ field: s.field, unitField: s.unitField, from: s.from, to: s.to })),
    // Written only when there is one, so that a stream without enrichment keeps its spec (and code version).
    ...(d.enrichment?.length
      ? {
          enrichment: d.enrichment.map((e) => ({
            table: e.table,
            keys: [...e.keys],
            columns: [...e.columns],
            onMissing: e.onMissing ?? STREAM_DEFAULTS.enrichmentOnMissing,
          })),
        }
      : {}),
    windows: d.windows.map(toWindow),
    aggregation: { dimensions: [...d.aggregation.dimensions], measures: [...d.aggregation.measures] },
    anomalies: (d.anomalies ?? []).map(toAnomaly),
    ...(d.features !== undefined ? { features: { field: d.features.field, window: d.features.window } } : {}),
    ...(d.joins?.length
      ? {
          joins: d.joins.map((j) => ({
            id: j.id,
            stream: j.stream,
            keys: [...j.keys],
            within: j.within,
            columns: [...j.columns],
            type: j.type ?? STREAM_DEFAULTS.joinType,
          })),
        }
      : {}),
    target: {
      catalog: target.catalog === undefined ? STREAM_DEFAULTS.catalog : target.catalog,
      schemas: {
        bronze: target.schemas?.bronze ?? STREAM_DEFAULTS.schemas.bronze,
        silver: target.schemas?.silver ?? STREAM_DEFAULTS.schemas.silver,
        gold: target.schemas?.gold ?? STREAM_DEFAULTS.schemas.gold,
      },
      table: target.table ?? STREAM_DEFAULTS.table(d.name),
      // Written only when on, so that a stream without it keeps its spec (and code version).
      ...(target.changeDataFeed ? { changeDataFeed: true } : {}),
    },
    trigger: toTrigger(d.trigger ?? STREAM_DEFAULTS.trigger),
  };
}

/** The spec as one line of JSON (the job parameter). Deterministic: `toStreamSpec` fixes the key order. */
export function serializeStreamSpec(spec: StreamSpecV1): string {
  return JSON.stringify(spec);
}

function toField(f: FieldDefinition): StreamSpecV1['schema']['fields'][number] {
  const base = { name: f.name, type: f.type, required: f.required ?? STREAM_DEFAULTS.fieldRequired };
  switch (f.type) {
    case 'double':
    case 'long':
    case 'integer':
      return { ...base, ...(f.min !== undefined ? { min: f.min } : {}), ...(f.max !== undefined ? { max: f.max } : {}) };
    case 'string':
      return { ...base, ...(f.allowed !== undefined ? { allowed: [...f.allowed] } : {}) };
    default:
      return base;
  }
}

function toWindow(w: WindowDefinition): StreamSpecWindow {
  switch (w.type) {
    case 'tumbling':
      return { id: w.id, type: w.type, duration: w.duration };
    case 'sliding':
      return { id: w.id, type: w.type, duration: w.duration, slide: w.slide };
    case 'session':
      return { id: w.id, type: w.type, gap: w.gap };
  }
}

function toAnomaly(a: AnomalyDefinition): StreamSpecAnomaly {
  switch (a.type) {
    case 'threshold':
      return {
        id: a.id,
        type: a.type,
        field: a.field,
        operator: a.operator,
        value: a.value,
        severity: a.severity,
        ...(a.condition !== undefined ? { condition: { field: a.condition.field, equals: a.condition.equals } } : {}),
      };
    case 'spike':
      return { id: a.id, type: a.type, field: a.field, increasePercent: a.increasePercent, within: a.within, severity: a.severity };
    case 'missing':
      return { id: a.id, type: a.type, timeout: a.timeout, severity: a.severity };
    case 'status':
      return { id: a.id, type: a.type, field: a.field, values: [...a.values], severity: a.severity };
  }
}

function toTrigger(t: TriggerDefinition | StreamSpecTrigger): StreamSpecTrigger {
  return t.type === 'processingTime' ? { type: t.type, interval: t.interval } : { type: t.type };
}
