/**
 * The typed stream definition a platform team writes in TypeScript.
 *
 * It mirrors stream spec v1 (`schema/stream-spec.v1.schema.json`) property by property, in camelCase, but
 * leaves out what can be derived: every optional property documents its `@default`, and `toStreamSpec`
 * (stream-spec.ts, `STREAM_DEFAULTS`) is the one place that applies those defaults.
 *
 * The types catch what TypeScript can (a window's properties by its `type`, an anomaly rule's by its `type`,
 * `min`/`max` only on numeric fields, `allowed` only on string fields); `validateStreamSpec` checks the rest
 * (patterns, ranges, field references) exactly as the Python side does.
 */

/** Unit of a duration string. */
export type DurationUnit = 'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days';

/** A Spark interval string: a positive integer, one space and a unit, e.g. `'10 seconds'`, `'1 minute'`, `'2 hours'`. */
export type Duration = `${number} ${DurationUnit}`;

export type NumericFieldType = 'double' | 'long' | 'integer';
export type FieldType = 'string' | NumericFieldType | 'boolean' | 'timestamp';

interface FieldBase {
  /** snake_case column name, unique within the schema. */
  readonly name: string;
  /** Rows without the field are rejected by silver. @default false */
  readonly required?: boolean;
}

/** A double, long or integer field, optionally with a valid range. */
export interface NumericFieldDefinition extends FieldBase {
  readonly type: NumericFieldType;
  /** Smallest valid value (inclusive). @default undefined (no lower bound) */
  readonly min?: number;
  /** Largest valid value (inclusive); at least `min`. @default undefined (no upper bound) */
  readonly max?: number;
}

/** A string field, optionally restricted to a list of values. */
export interface StringFieldDefinition extends FieldBase {
  readonly type: 'string';
  /** The only values the field takes (unique, at least one). @default undefined (any string) */
  readonly allowed?: readonly string[];
}

/** A boolean or timestamp field. */
export interface PlainFieldDefinition extends FieldBase {
  readonly type: 'boolean' | 'timestamp';
}

export type FieldDefinition = NumericFieldDefinition | StringFieldDefinition | PlainFieldDefinition;

export interface EventSchemaDefinition {
  /** At least one field. */
  readonly fields: readonly FieldDefinition[];
}

/**
 * Consumer group per reading query; bronze (the pipeline) is the only query that reads the event hub.
 * Read by the `eventhubs` connector only. A `kafka` stream creates no Event Hubs consumer group: the Kafka
 * endpoint's groups are Kafka's own, distinct from Event Hubs consumer groups and created on demand, and
 * Spark's Kafka source joins a group of its own per query (its offsets live in the checkpoint).
 */
export interface ConsumerGroupsDefinition {
  /** `$Default` or a consumer group name. @default 'cg-bronze' */
  readonly bronze?: string;
}

export type SourceType = 'eventhubs' | 'kafka';
export type StartingPosition = 'earliest' | 'latest';

export interface SourceDefinition {
  /** Connector the bronze query reads with: the Event Hubs connector or the Kafka endpoint of Event Hubs. */
  readonly type: SourceType;
  /** @default `evh-<name>` (the stream's name) */
  readonly eventHubName?: string;
  /** 1–1024 (and the tier's limit). @default the environment's `eventHubs.defaultPartitions` (4 outside an environment) */
  readonly partitions?: number;
  /** 1–90 days (and the tier's limit). @default the environment's `eventHubs.defaultRetentionDays` (1 outside an environment) */
  readonly retentionDays?: number;
  /** @default { bronze: 'cg-bronze' } */
  readonly consumerGroups?: ConsumerGroupsDefinition;
  /** Where a query without a checkpoint starts. @default 'earliest' */
  readonly startingPosition?: StartingPosition;
  /** Rate limit of one micro-batch. @default partitions × 1000 */
  readonly maxEventsPerTrigger?: number;
}

export type TemperatureUnit = 'celsius' | 'fahrenheit' | 'kelvin';

/** Unit conversion: converts `field` from `from` to `to` where `unitField` equals `from`, then sets `unitField` to `to`. */
export interface StandardizationDefinition {
  /** A double field. */
  readonly field: string;
  /** A string field holding the unit. */
  readonly unitField: string;
  readonly from: TemperatureUnit;
  /** Differs from `from`. */
  readonly to: TemperatureUnit;
}

/**
 * Reference data joined to silver (a stream-to-static join): each batch's rows get `columns` from the current
 * version of `table`, read again for every batch, so an updated dimension is seen without a restart.
 */
export interface EnrichmentDefinition {
  /** `<layer>.<table>`: a table in the stream's bronze, silver or gold schema (catalog or lake), such as `silver.devices`. */
  readonly table: string;
  /** String, integer or boolean fields, matched to the table's columns of the same names; one row per key is used. */
  readonly keys: readonly string[];
  /** Columns of the table added to silver; none may be a field of the event or another enrichment's column. */
  readonly columns: readonly string[];
  /**
   * A row whose keys match nothing: `keep` it in silver with null columns, or send it to quarantine as
   * `unknown_reference:<table>`.
   * @default 'keep'
   */
  readonly onMissing?: 'keep' | 'quarantine';
}

/**
 * A stream-to-stream join into gold: this stream's silver rows with those of `stream` (another stream of the
 * same app) whose `keys` are equal and whose event time is from this row's to `within` after it. Spark joins
 * them with both streams' watermarks, into its own table `<table>_join_<id>` with its own checkpoint.
 */
export interface JoinDefinition {
  readonly id: string;
  /** The other stream's name; synthesis checks that the environment has it. */
  readonly stream: string;
  /** String, integer or boolean fields of both streams, of the same type in each. */
  readonly keys: readonly string[];
  /** How long after this stream's event the other's may come. */
  readonly within: Duration;
  /** Fields of the other stream written beside this stream's; none may be a field of this stream. */
  readonly columns: readonly string[];
  /**
   * `inner`: matched pairs only; `leftOuter`: every row of this stream, the other's columns null where nothing
   * matched, written once both watermarks have passed its time plus `within`.
   * @default 'inner'
   */
  readonly type?: 'inner' | 'leftOuter';
}

export interface TumblingWindowDefinition {
  readonly id: string;
  readonly type: 'tumbling';
  readonly duration: Duration;
}

export interface SlidingWindowDefinition {
  readonly id: string;
  readonly type: 'sliding';
  readonly duration: Duration;
  /** At most `duration`. */
  readonly slide: Duration;
}

export interface SessionWindowDefinition {
  readonly id: string;
  readonly type: 'session';
  readonly gap: Duration;
}

/** A window of the gold aggregation; ids are unique. */
export type WindowDefinition = TumblingWindowDefinition | SlidingWindowDefinition | SessionWindowDefinition;

export interface AggregationDefinition {
  /** Group-by fields (string, long, integer or boolean), unique, at least one. */
  readonly dimensions: readonly string[];
  /** Aggregated fields (double, long or integer), unique, at least one. */
  readonly measures: readonly string[];
}

export type Severity = 'info' | 'warning' | 'critical';
export type ThresholdOperator = '>' | '>=' | '<' | '<=';

export interface ThresholdAnomalyDefinition {
  readonly id: string;
  readonly type: 'threshold';
  /** A numeric field. */
  readonly field: string;
  readonly operator: ThresholdOperator;
  readonly value: number;
  readonly severity: Severity;
  /**
   * Only events whose `condition.field` equals `condition.equals` can break the rule (`amount > 10000` only where
   * `action = 'purchase'`).
   * @default every event
   */
  readonly condition?: ThresholdCondition;
}

/** An equality on one string, integer, long or boolean field; the value has the field's type. */
export interface ThresholdCondition {
  readonly field: string;
  readonly equals: string | number | boolean;
}

export interface SpikeAnomalyDefinition {
  readonly id: string;
  readonly type: 'spike';
  /** A numeric field. */
  readonly field: string;
  /** Greater than 0. */
  readonly increasePercent: number;
  readonly within: Duration;
  readonly severity: Severity;
}

export interface MissingAnomalyDefinition {
  readonly id: string;
  readonly type: 'missing';
  /** A device that sends nothing for this long is reported. */
  readonly timeout: Duration;
  readonly severity: Severity;
}

export interface StatusAnomalyDefinition {
  readonly id: string;
  readonly type: 'status';
  /** A string field; `values` must be among its `allowed` values when it has any. */
  readonly field: string;
  readonly values: readonly string[];
  readonly severity: Severity;
}

/** An anomaly rule; ids are unique. */
export type AnomalyDefinition = ThresholdAnomalyDefinition | SpikeAnomalyDefinition | MissingAnomalyDefinition | StatusAnomalyDefinition;

export interface FeaturesDefinition {
  /** A numeric field. */
  readonly field: string;
  readonly window: Duration;
}

export interface MedallionSchemasDefinition {
  /** @default 'bronze' */
  readonly bronze?: string;
  /** @default 'silver' */
  readonly silver?: string;
  /** @default 'gold' */
  readonly gold?: string;
}

export interface TargetDefinition {
  /** Unity Catalog catalog; null = tables addressed by path under the lake root. @default null */
  readonly catalog?: string | null;
  /** Schema (database) per layer. @default { bronze: 'bronze', silver: 'silver', gold: 'gold' } */
  readonly schemas?: MedallionSchemasDefinition;
  /** @default the stream's name with hyphens replaced by underscores */
  readonly table?: string;
  /**
   * Create the silver and gold tables with Delta's change data feed on (`delta.enableChangeDataFeed = true`),
   * so that downstream jobs can stream their inserts and the updates the features MERGE makes (`readChangeFeed`).
   * Tables that already exist keep their properties.
   * @default false
   */
  readonly changeDataFeed?: boolean;
}

export interface ProcessingTimeTriggerDefinition {
  readonly type: 'processingTime';
  readonly interval: Duration;
}

export interface AvailableNowTriggerDefinition {
  readonly type: 'availableNow';
}

export type TriggerDefinition = ProcessingTimeTriggerDefinition | AvailableNowTriggerDefinition;

/** One stream of the medallion platform, as written in TypeScript. `toStreamSpec` turns it into spec v1. */
export interface StreamDefinition {
  /** Lowercase letters, digits and hyphens, starting with a letter, at most 50 characters. */
  readonly name: string;
  /** @default undefined (no description in the spec) */
  readonly description?: string;
  readonly schema: EventSchemaDefinition;
  /** A timestamp field. */
  readonly eventTimeField: string;
  /** A string field. */
  readonly eventIdField: string;
  /**
   * The entity an event belongs to (a device, a user, a store): a string, long or integer field. Spike and
   * missing rules and the features are kept per entity (the `device` column of the alerts and features tables).
   */
  readonly entityField: string;
  readonly source: SourceDefinition;
  /** How late an event may arrive. */
  readonly watermark: Duration;
  /** @default [] */
  readonly standardize?: readonly StandardizationDefinition[];
  /** @default [] (no reference data joined) */
  readonly enrichment?: readonly EnrichmentDefinition[];
  /** At least one. */
  readonly windows: readonly WindowDefinition[];
  readonly aggregation: AggregationDefinition;
  /** @default [] */
  readonly anomalies?: readonly AnomalyDefinition[];
  /** @default undefined (no feature table) */
  readonly features?: FeaturesDefinition;
  /** @default [] (no stream-to-stream join) */
  readonly joins?: readonly JoinDefinition[];
  /** @default { catalog: null, schemas: { bronze: 'bronze', silver: 'silver', gold: 'gold' }, table: <name with - → _> } */
  readonly target?: TargetDefinition;
  /** @default { type: 'processingTime', interval: '10 seconds' } */
  readonly trigger?: TriggerDefinition;
}
