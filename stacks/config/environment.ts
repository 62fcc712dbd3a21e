import type { EventHubsTier } from '../../constructs/eventhubs/tier-limits';
import type { AnomalySeverity } from '../../constructs/monitoring/anomaly-alert';
import type { WarehouseSize } from '../../constructs/monitoring/serving-warehouse';
import type { EventHubsAuth } from '../../constructs/patterns/stream-auth';

/** Where Terraform keeps an environment's state. */
export type BackendConfig =
  /** A file under `state/` in the project (the default; fine for one operator, not for a team). */
  | { readonly type: 'local' }
  /** An Azure Storage blob, with Entra ID auth and state locking through blob leases. */
  | {
      readonly type: 'azurerm';
      readonly resourceGroupName: string;
      readonly storageAccountName: string;
      readonly containerName: string;
      /** State blob names are `<keyPrefix><stack>.tfstate`. @default '' */
      readonly keyPrefix?: string;
    };

/**
 * How resources are exposed:
 * - `public`: public endpoints on, traffic allowed unless `allowedIpRanges` narrows it (dev);
 * - `private`: public endpoints off; a VNet with private endpoints and Databricks VNet injection.
 */
export type NetworkMode = 'public' | 'private';

export interface EnvironmentConfig {
  /** Environment name, used in stack names: `<name>-platform`, `<name>-workspace`. */
  readonly name: string;
  /** 1–4 characters used in resource names (`dev`, `stg`, `prd`). */
  readonly shortName: string;
  /**
   * A production environment: Terraform may not destroy its stateful resources (`prevent_destroy`), and the
   * production-only policy rules run. A flag, so that the policy never depends on an environment's name.
   */
  readonly production: boolean;
  readonly workload: string;
  readonly region: string;
  /** Extra input to the globally unique name suffix (organisation or subscription name). */
  readonly uniqueSeed: string;
  /** Subscription to deploy to; empty means the provider's default (`ARM_SUBSCRIPTION_ID` or the Azure CLI's). */
  readonly subscriptionId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly network: {
    readonly mode: NetworkMode;
    /** Public mode: IPv4 ranges allowed in (empty means everyone). Private mode: ranges of the deploying agents. */
    readonly allowedIpRanges: readonly string[];
    /** Private mode: the VNet's address space (/16–/22). */
    readonly addressSpace: string;
    /**
     * Private mode: the workspace's UI and REST API through private endpoints only (front-end and back-end
     * Private Link: `databricks_ui_api` and `browser_authentication` in the endpoint subnet), its public access
     * off. The workspace stack, and the people using the workspace, must then reach it from a network that
     * reaches the VNet (a peered network, VPN or ExpressRoute).
     */
    readonly databricksPrivateLink: boolean;
  };
  readonly eventHubs: {
    readonly tier: EventHubsTier;
    readonly capacity: number;
    /** 0 turns auto-inflate off. */
    readonly autoInflateMaxThroughputUnits: number;
    /** Shared access (SAS) keys on the namespace; off, every stream must use Entra ID (`auth: 'entra'`). */
    readonly localAuthentication: boolean;
    /**
     * How the streams on the Kafka endpoint authenticate (`EventHubsAuth`). With `entra`, Unity Catalog on, the
     * jobs read through a service credential on the workspace's access connector (runtime 16.1 or later); off,
     * as the `entraClient` application. Streams on the eventhubs connector use SAS either way (it takes only a
     * connection string), so the namespace keeps local authentication while one does.
     */
    readonly auth: EventHubsAuth;
    /**
     * `auth: 'entra'` without Unity Catalog: the Entra application the jobs read as (Kafka OAUTHBEARER). Whoever
     * owns the application puts its client secret in the vault (or the Databricks-backed scope) as `secretName`:
     * the secret never passes through this configuration.
     */
    readonly entraClient: { readonly applicationId: string; readonly objectId: string; readonly secretName: string };
    /** Defaults for streams that don't set their own. */
    readonly defaultPartitions: number;
    readonly defaultRetentionDays: number;
    /** Capture to the lake, for every stream that doesn't set its own. */
    readonly capture: { readonly enabled: boolean; readonly intervalSeconds: number; readonly sizeLimitBytes: number };
  };
  readonly storage: {
    readonly replication: 'LRS' | 'ZRS' | 'GRS' | 'GZRS' | 'RAGRS' | 'RAGZRS';
    readonly softDeleteDays: number;
    /**
     * Encrypt the lake and the Databricks DBFS root with customer-managed keys: one HSM-backed key each in the
     * environment's vault (which becomes premium), rotated yearly by the key's own policy. Off: Microsoft-managed keys.
     */
    readonly customerManagedKeys: boolean;
  };
  readonly keyVault: { readonly softDeleteDays: number };
  readonly databricks: DatabricksConfig;
  readonly monitoring: MonitoringConfig;
  readonly backend: BackendConfig;
}

export interface MonitoringConfig {
  /** Log Analytics retention, 30–730 days. */
  readonly logRetentionDays: number;
  /** The action group's short name (at most 12 characters, shown in SMS and e-mail). */
  readonly actionGroupShortName: string;
  /** Who is told: the action group's and the anomaly alert relay's e-mail receivers. */
  readonly alertEmails: readonly string[];
  /** HTTPS webhooks of both; a URL that carries a token belongs in a sensitive variable, not here. */
  readonly alertWebhooks: readonly { readonly name: string; readonly serviceUri: string }[];
  /**
   * A production environment with neither e-mails nor webhooks asks for an on-call address at apply (the
   * Terraform variable `alert_email_address`), unless this says why no one is to be told.
   */
  readonly noReceiverReason: string;
  /** Consumer-lag alert: the share of one window's capacity the backlog may grow by before it fires. */
  readonly lagFactor: number;
  /** The SQL warehouse that serves gold to BI (Power BI DirectQuery). */
  readonly warehouse: { readonly clusterSize: WarehouseSize; readonly serverless: boolean; readonly autoStopMinutes: number; readonly maxClusters: number };
  /** The Databricks SQL alert on each stream's anomalies table. */
  readonly anomalyAlert: { readonly minSeverity: AnomalySeverity; readonly evaluationMinutes: number };
}

export interface DatabricksConfig {
  /** Databricks Runtime, for example `15.4.x-scala2.12` (the eventhubs source needs Scala 2.12, 16.4 LTS at most). */
  readonly runtimeVersion: string;
  readonly nodeType: string;
  /** Fixed worker count of each streaming cluster (streaming does not autoscale well). */
  readonly workers: number;
  /** `job`: a job cluster per job (the default); `all-purpose`: one shared cluster for every stream's jobs. */
  readonly compute: 'job' | 'all-purpose';
  /** `continuous`: every query runs all the time; `availableNow`: scheduled runs that drain what is new, then stop. */
  readonly jobMode: 'continuous' | 'availableNow';
  /** Quartz cron expression of `availableNow` runs. */
  readonly schedule: string;
  readonly scheduleTimezone: string;
  /** Unity Catalog: a catalog per environment with bronze/silver/gold schemas; off means tables under lake paths. */
  readonly unityCatalog: boolean;
  /** Where connection strings are read from: a Key Vault-backed scope (the default) or a Databricks-backed one. */
  readonly secretScope: 'keyvault' | 'databricks';
  /**
   * Object id of the AzureDatabricks application's service principal in this tenant
   * (`az ad sp show --id 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --query id -o tsv`). Empty: asked for at apply.
   */
  readonly azureDatabricksObjectId: string;
  /** Workspace folder that notebooks are deployed under; `<folder>/<environment>`. */
  readonly workspaceFolder: string;
  /** Job failure and duration-warning notifications. */
  readonly notificationEmails: readonly string[];
  /** Who may do what in the workspace. */
  readonly access: WorkspaceAccessConfig;
}

/** The workspace's identities: who the jobs run as, and the groups given access to the jobs, warehouse and dashboards. */
export interface WorkspaceAccessConfig {
  /**
   * Application (client) id of the service principal every job runs as, and the only principal given READ on
   * the secret scope. Empty: a production environment asks for it at apply (the Terraform variable
   * `databricks_run_as_application_id`); any other runs its jobs as the deployer.
   */
  readonly runAs: string;
  /** Workspace group that manages the jobs, the warehouse and the dashboards (CAN_MANAGE). */
  readonly adminGroup: string;
  /** Workspace group that watches the jobs: runs, output and logs (CAN_VIEW). */
  readonly operatorsGroup: string;
  /** Workspace group that reads through the SQL warehouse (CAN_USE) and the dashboards (CAN_RUN). */
  readonly biGroup: string;
}

/** A partial environment: every field optional at every depth, as written in an override. */
export type EnvironmentOverride = {
  readonly [K in keyof EnvironmentConfig]?: EnvironmentConfig[K] extends readonly unknown[]
    ? EnvironmentConfig[K]
    : EnvironmentConfig[K] extends object
      ? Partial<EnvironmentConfig[K]>
      : EnvironmentConfig[K];
};
