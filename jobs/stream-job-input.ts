import type { StreamSource } from '../constructs/databricks/streaming-compute';
import type { EventHubsTier } from '../constructs/eventhubs/tier-limits';
import type { StreamSpecV1 } from '../constructs/streams/stream-spec';

/** What the workspace stack needs to know of one stream to create its job. */
export interface StreamJobInput {
  /** Stream name: lowercase letters, digits and hyphens, starting with a letter (at most 50). */
  readonly name: string;
  /** The stream spec (v1 JSON object), passed to the pipeline task as the `spec` parameter; keys keep their order. */
  readonly spec: StreamSpecV1;
  /** How the pipeline reads Event Hubs: the eventhubs-spark connector or the Kafka endpoint. */
  readonly source: StreamSource;
  /** Partitions of the stream's event hub (also the job cluster's `spark.sql.shuffle.partitions`). */
  readonly partitions: number;
  /** Tier of the Event Hubs namespace (Kafka needs Standard or Premium). */
  readonly eventHubNamespaceTier: EventHubsTier;
  /** The Key Vault secret, and secret scope key, holding the listen connection string. */
  readonly secretName: string;
  /** The consumer group the pipeline reads with. */
  readonly consumerGroup: string;
}
