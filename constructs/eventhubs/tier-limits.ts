/** Event Hubs namespace tiers that a namespace resource can be created with. */
export type EventHubsTier = 'Basic' | 'Standard' | 'Premium';

export const EVENT_HUBS_TIERS: readonly EventHubsTier[] = ['Basic', 'Standard', 'Premium'];

export interface TierLimits {
  /** Partitions of one event hub. */
  readonly maxPartitions: number;
  /** Event hubs in one namespace. */
  readonly maxEventHubs: number;
  /** Partitions of all event hubs of a namespace, per processing unit (Premium only: its quota is per PU). */
  readonly partitionsPerCapacityUnit?: number;
  readonly maxRetentionDays: number;
  /** Consumer groups per event hub, `$Default` included. */
  readonly maxConsumerGroups: number;
  readonly capture: boolean;
  readonly kafkaEndpoint: boolean;
  readonly schemaRegistry: boolean;
  /** Throughput units (Basic, Standard) or processing units (Premium). */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Where only some capacities between min and max can be bought. */
  readonly allowedCapacities?: readonly number[];
  readonly autoInflate: boolean;
}

/** Azure Event Hubs quotas per tier (Microsoft's "quotas and limits" page). */
export const TIER_LIMITS: Readonly<Record<EventHubsTier, TierLimits>> = {
  Basic: {
    maxPartitions: 32,
    maxEventHubs: 10,
    maxRetentionDays: 1,
    maxConsumerGroups: 1,
    capture: false,
    kafkaEndpoint: false,
    schemaRegistry: false,
    minCapacity: 1,
    maxCapacity: 40,
    autoInflate: false,
  },
  Standard: {
    maxPartitions: 32,
    maxEventHubs: 10,
    maxRetentionDays: 7,
    maxConsumerGroups: 20,
    capture: true,
    kafkaEndpoint: true,
    schemaRegistry: true,
    minCapacity: 1,
    maxCapacity: 40,
    autoInflate: true,
  },
  Premium: {
    maxPartitions: 100,
    maxEventHubs: 100,
    partitionsPerCapacityUnit: 200,
    maxRetentionDays: 90,
    maxConsumerGroups: 100,
    capture: true,
    kafkaEndpoint: true,
    schemaRegistry: true,
    minCapacity: 1,
    maxCapacity: 16,
    allowedCapacities: [1, 2, 4, 8, 16],
    autoInflate: false,
  },
};
