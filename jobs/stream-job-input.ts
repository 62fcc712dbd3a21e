import type { EventHubsTier } from '../constructs/eventhubs/tier-limits';
import type { StreamCredential } from '../constructs/patterns/stream-auth';
import type { StreamSpecV1 } from '../constructs/streams/stream-spec';

/**
 * What the workspace stack needs to know of one stream to create its job. The stream's name, source type
 * and partitions are the spec's (`spec.name`, `spec.source`): written once, read from there.
 */
export interface StreamJobInput {
  /** The stream spec (v1 JSON object), passed to the pipeline task as the `spec` parameter; keys keep their order. */
  readonly spec: StreamSpecV1;
  /** Tier of the Event Hubs namespace (Kafka needs Standard or Premium). */
  readonly eventHubNamespaceTier: EventHubsTier;
  /** How the job authenticates to the event hub: a listen connection string, or Entra ID. */
  readonly credential: StreamCredential;
  /**
   * Where Event Hubs Capture writes the stream's events; the stream's backfill job reads them.
   * @default undefined (no capture, so no backfill job)
   */
  readonly capture?: CaptureLocation;
}

/** One event hub's Capture files: the container's abfss URL, the namespace and the file name format. */
export interface CaptureLocation {
  readonly url: string;
  readonly namespace: string;
  readonly nameFormat: string;
}
