import type { EnvironmentConfig } from './environment';

const WORKLOAD = 'stream';
const REGION = 'westeurope';

/**
 * The embedded defaults: every environment synthesizes with these alone, with no credentials and no
 * file to edit. Override them through cdktf.json's `context.environments` or a JSON file named by
 * `PLATFORM_CONFIG` (see `load.ts`).
 */
export const DEFAULT_ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = {
  dev: {
    name: 'dev',
    shortName: 'dev',
    workload: WORKLOAD,
    region: REGION,
    uniqueSeed: '',
    subscriptionId: '',
    tags: { 'cost-center': 'data-platform', criticality: 'low' },
    network: { mode: 'public', allowedIpRanges: [], addressSpace: '10.10.0.0/16' },
    eventHubs: {
      tier: 'Standard',
      capacity: 1,
      autoInflateMaxThroughputUnits: 0,
      localAuthentication: true,
      defaultPartitions: 4,
      defaultRetentionDays: 1,
      capture: { enabled: false, intervalSeconds: 300, sizeLimitBytes: 314572800 },
    },
    storage: { replication: 'LRS', softDeleteDays: 7 },
    keyVault: { softDeleteDays: 7 },
    backend: { type: 'local' },
  },
  staging: {
    name: 'staging',
    shortName: 'stg',
    workload: WORKLOAD,
    region: REGION,
    uniqueSeed: '',
    subscriptionId: '',
    tags: { 'cost-center': 'data-platform', criticality: 'medium' },
    network: { mode: 'public', allowedIpRanges: [], addressSpace: '10.20.0.0/16' },
    eventHubs: {
      tier: 'Standard',
      capacity: 2,
      autoInflateMaxThroughputUnits: 4,
      localAuthentication: true,
      defaultPartitions: 8,
      defaultRetentionDays: 3,
      capture: { enabled: true, intervalSeconds: 300, sizeLimitBytes: 314572800 },
    },
    storage: { replication: 'ZRS', softDeleteDays: 14 },
    keyVault: { softDeleteDays: 30 },
    backend: { type: 'local' },
  },
  prod: {
    name: 'prod',
    shortName: 'prd',
    workload: WORKLOAD,
    region: REGION,
    uniqueSeed: '',
    subscriptionId: '',
    tags: { 'cost-center': 'data-platform', criticality: 'high' },
    network: { mode: 'private', allowedIpRanges: [], addressSpace: '10.30.0.0/16' },
    eventHubs: {
      tier: 'Premium',
      capacity: 1,
      autoInflateMaxThroughputUnits: 0,
      localAuthentication: true,
      defaultPartitions: 16,
      defaultRetentionDays: 7,
      capture: { enabled: true, intervalSeconds: 300, sizeLimitBytes: 314572800 },
    },
    storage: { replication: 'GZRS', softDeleteDays: 30 },
    keyVault: { softDeleteDays: 90 },
    backend: { type: 'local' },
  },
};
