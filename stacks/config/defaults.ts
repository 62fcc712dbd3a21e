import type { EnvironmentConfig, EnvironmentOverride } from './environment';

const WORKLOAD = 'stream';
const REGION = 'westeurope';

/** Every setting of an environment, as dev has them; the others below say only where they differ. */
const BASE: EnvironmentConfig = {
  name: 'dev',
  shortName: 'dev',
  production: false,
  workload: WORKLOAD,
  region: REGION,
  uniqueSeed: '',
  subscriptionId: '',
  tags: { 'cost-center': 'data-platform', criticality: 'low' },
  network: { mode: 'public', allowedIpRanges: [], addressSpace: '10.10.0.0/16', databricksPrivateLink: false },
  eventHubs: {
    tier: 'Standard',
    capacity: 1,
    autoInflateMaxThroughputUnits: 0,
    localAuthentication: true,
    auth: 'sas',
    entraClient: { applicationId: '', objectId: '', secretName: '' },
    defaultPartitions: 4,
    defaultRetentionDays: 1,
    capture: { enabled: false, intervalSeconds: 300, sizeLimitBytes: 314572800 },
  },
  storage: { replication: 'LRS', softDeleteDays: 7, customerManagedKeys: false },
  keyVault: { softDeleteDays: 7 },
  databricks: {
    runtimeVersion: '15.4.x-scala2.12',
    nodeType: 'Standard_D4ds_v5',
    workers: 1,
    compute: 'job',
    jobMode: 'availableNow',
    schedule: '0 0 * * * ?',
    scheduleTimezone: 'UTC',
    unityCatalog: false,
    secretScope: 'keyvault',
    azureDatabricksObjectId: '',
    workspaceFolder: '/Shared/streaming-platform',
    notificationEmails: [],
    access: { runAs: '', adminGroup: 'stream-platform-admins', operatorsGroup: 'stream-platform-operators', biGroup: 'stream-platform-bi' },
  },
  monitoring: {
    logRetentionDays: 30,
    actionGroupShortName: 'strm-dev',
    alertEmails: [],
    alertWebhooks: [],
    noReceiverReason: '',
    lagFactor: 0.1,
    warehouse: { clusterSize: '2X-Small', serverless: true, autoStopMinutes: 10, maxClusters: 1 },
    anomalyAlert: { minSeverity: 'critical', evaluationMinutes: 60 },
  },
  backend: { type: 'local' },
};

/** `base` with `changes`: objects one level deep are merged, everything else replaced. */
function differing(base: EnvironmentConfig, changes: EnvironmentOverride): EnvironmentConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    const current = merged[key];
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    merged[key] = isObject(current) && isObject(value) ? { ...(current as object), ...(value as object) } : value;
  }
  return merged as unknown as EnvironmentConfig;
}

/**
 * The embedded defaults: every environment synthesizes with these alone, with no credentials and no
 * file to edit. Override them through cdktf.json's `context.environments` or a JSON file named by
 * `PLATFORM_CONFIG` (see `load.ts`).
 */
export const DEFAULT_ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = {
  dev: BASE,
  staging: differing(BASE, {
    name: 'staging',
    shortName: 'stg',
    tags: { criticality: 'medium' },
    network: { addressSpace: '10.20.0.0/16' },
    eventHubs: {
      capacity: 2,
      autoInflateMaxThroughputUnits: 4,
      defaultPartitions: 8,
      defaultRetentionDays: 3,
      capture: { ...BASE.eventHubs.capture, enabled: true },
    },
    storage: { replication: 'ZRS', softDeleteDays: 14 },
    keyVault: { softDeleteDays: 30 },
    databricks: { workers: 2, jobMode: 'continuous', unityCatalog: true },
    monitoring: {
      logRetentionDays: 60,
      actionGroupShortName: 'strm-stg',
      warehouse: { ...BASE.monitoring.warehouse, clusterSize: 'X-Small', maxClusters: 2 },
      anomalyAlert: { minSeverity: 'warning', evaluationMinutes: 15 },
    },
  }),
  prod: differing(BASE, {
    name: 'prod',
    shortName: 'prd',
    production: true,
    tags: { criticality: 'high' },
    network: { mode: 'private', addressSpace: '10.30.0.0/16', databricksPrivateLink: true },
    eventHubs: {
      tier: 'Premium',
      capacity: 1,
      auth: 'entra',
      defaultPartitions: 16,
      defaultRetentionDays: 7,
      capture: { ...BASE.eventHubs.capture, enabled: true },
    },
    storage: { replication: 'GZRS', softDeleteDays: 30, customerManagedKeys: true },
    keyVault: { softDeleteDays: 90 },
    // 16.4 LTS: the newest runtime the eventhubs connector runs on, and one that takes a service credential.
    databricks: { runtimeVersion: '16.4.x-scala2.12', nodeType: 'Standard_D8ds_v5', workers: 4, jobMode: 'continuous', unityCatalog: true },
    monitoring: {
      logRetentionDays: 365,
      actionGroupShortName: 'strm-prd',
      warehouse: { ...BASE.monitoring.warehouse, clusterSize: 'Small', autoStopMinutes: 15, maxClusters: 4 },
      anomalyAlert: { minSeverity: 'warning', evaluationMinutes: 15 },
    },
  }),
};
