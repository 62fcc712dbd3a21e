/**
 * Azure Monitor metric alert timing values (azurerm 4.55 `azurerm_monitor_metric_alert`) and the
 * derivation of the Event Hubs alert thresholds from a stream's sizing.
 */

/** `frequency`: how often the rule is evaluated. */
export const ALERT_FREQUENCIES = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'] as const;
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

/** `window_size`: the period each evaluation looks back over; never shorter than the frequency. */
export const ALERT_WINDOW_SIZES = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'] as const;
export type AlertWindowSize = (typeof ALERT_WINDOW_SIZES)[number];

/** Seconds of each ISO-8601 duration above. */
export const DURATION_SECONDS: Readonly<Record<AlertWindowSize, number>> = {
  PT1M: 60,
  PT5M: 300,
  PT15M: 900,
  PT30M: 1800,
  PT1H: 3600,
  PT6H: 21600,
  PT12H: 43200,
  P1D: 86400,
};

/** Events per second one throughput unit (and one partition) takes in: 1 TU = 1 MB/s or 1,000 events/s in. */
export const EVENTS_PER_SECOND_PER_UNIT = 1000;

/** What the thresholds of one event hub are derived from. */
export interface HubSizing {
  /** The namespace's throughput units (Standard) or processing units (Premium). */
  readonly throughputUnits: number;
  /** The event hub's partitions (each takes in at most 1,000 events/s). */
  readonly partitions: number;
  /**
   * Events per second per unit and per partition. Premium processing units take in more than a
   * throughput unit; set a measured rate there.
   * @default 1000
   */
  readonly eventsPerSecondPerUnit?: number;
}

/** Events per second the hub can take in: `min(throughputUnits, partitions) × eventsPerSecondPerUnit`. */
export function hubIngressEventsPerSecond(sizing: HubSizing): number {
  return Math.min(sizing.throughputUnits, sizing.partitions) * (sizing.eventsPerSecondPerUnit ?? EVENTS_PER_SECOND_PER_UNIT);
}

/** The two static criteria of the consumer lag alert. */
export interface ConsumerLagThresholds {
  /** Unread events the window may add before the alert fires: `ceil(ingress × windowSeconds × lagFactor)`. */
  readonly lagEvents: number;
  /** IncomingMessages (Total over the window) must exceed this: `2 × lagEvents`. */
  readonly incomingAbove: number;
  /** OutgoingMessages (Total over the window) must be below this: `lagEvents`. */
  readonly outgoingBelow: number;
}

/** @default lagFactor 0.1: a tenth of what the hub can take in during the window, left unread. */
export const DEFAULT_LAG_FACTOR = 0.1;

/**
 * Consumer lag thresholds: the alert fires when, within one window, more than `2 × L` events came in
 * and fewer than `L` were read, so the backlog grew by more than `L` in that window, where
 * `L = ceil(ingress events/s × window seconds × lagFactor)`.
 */
export function deriveConsumerLagThresholds(sizing: HubSizing, windowSize: AlertWindowSize, lagFactor = DEFAULT_LAG_FACTOR): ConsumerLagThresholds {
  const lagEvents = Math.ceil(hubIngressEventsPerSecond(sizing) * DURATION_SECONDS[windowSize] * lagFactor);
  return { lagEvents, incomingAbove: 2 * lagEvents, outgoingBelow: lagEvents };
}

/** @default captureFactor 2: two capture intervals of full-rate events not yet written. */
export const DEFAULT_CAPTURE_FACTOR = 2;

/**
 * Capture backlog threshold: `ceil(ingress events/s × capture interval seconds × captureFactor)`. A
 * healthy Capture holds at most one interval of events; more than `captureFactor` intervals at full
 * rate means it is falling behind (storage throttling, lost permissions).
 */
export function deriveCaptureBacklogThreshold(sizing: HubSizing, captureIntervalSeconds: number, captureFactor = DEFAULT_CAPTURE_FACTOR): number {
  return Math.ceil(hubIngressEventsPerSecond(sizing) * captureIntervalSeconds * captureFactor);
}
