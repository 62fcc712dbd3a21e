import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { Credential } from '@cdktf/provider-databricks/lib/credential';
import { DatabricksProvider } from '@cdktf/provider-databricks/lib/provider';
import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { GUID } from '../constructs/core/naming';
import { Problems } from '../constructs/core/problems';
import type { DatabricksWorkspace } from '../constructs/databricks/databricks-workspace';
import { SecretScope } from '../constructs/databricks/secret-scope';
import { StreamingCompute } from '../constructs/databricks/streaming-compute';
import { UnityCatalog } from '../constructs/databricks/unity-catalog';
import { type JobAccess, permissionsOn, type WorkspaceGrant } from '../constructs/databricks/workspace-access';
import { WorkspaceNotebooks } from '../constructs/databricks/workspace-notebooks';
import type { SecretValue } from '../constructs/keyvault/secret-value';
import { AnomalyAlert } from '../constructs/monitoring/anomaly-alert';
import { ServingWarehouse } from '../constructs/monitoring/serving-warehouse';
import { StreamDashboard } from '../constructs/monitoring/stream-dashboard';
import type { EntraSource, TableLocation } from '../jobs/job-definitions';
import type { StreamJobInput } from '../jobs/stream-job-input';
import { StreamJobs } from '../jobs/stream-jobs';
import { SCHEMA_PLACEHOLDER, tableReference } from '../jobs/table-names';
import { configureBackend } from './backend';
import type { EnvironmentConfig, WorkspaceAccessConfig } from './config/environment';
import { ALERT_RELAY_SECRET, type PlatformStack } from './platform-stack';

export interface WorkspaceStackProps {
  readonly config: EnvironmentConfig;
  /** The environment's platform stack: vault, lake and naming come from it by cross-stack references. */
  readonly platform: PlatformStack;
  /** The workspace the provider talks to (`platform.databricks`). */
  readonly workspace: DatabricksWorkspace;
  /**
   * The folder of notebooks and the Python package to deploy.
   * @default the package's `notebooks/` folder
   */
  readonly notebooksDir?: string;
}

/** Per stream, what only some secret scope modes need. */
export interface AddStreamOptions {
  /**
   * The listen connection string, stored in the Databricks-backed scope under `secretName`
   * (`secretScope: 'databricks'` only; a Key Vault-backed scope reads the platform's vault secret).
   * @default undefined
   */
  readonly connectionString?: SecretValue;
}

/**
 * The Databricks side of one environment, `<env>-workspace`: notebooks and package, secret scope,
 * streaming compute, Unity Catalog objects, and each stream's pipeline job.
 *
 * A separate stack because the Databricks provider cannot authenticate against a workspace created in
 * the same apply (databricks/terraform-provider-databricks#806). The provider authenticates with
 * Microsoft Entra ID (Azure CLI, service principal or managed identity from the environment), never a
 * personal access token: a Key Vault-backed secret scope cannot be created with one.
 */
export class WorkspaceStack extends TerraformStack {
  public readonly config: EnvironmentConfig;
  public readonly platform: PlatformStack;
  public readonly workspace: DatabricksWorkspace;
  public readonly notebooks: WorkspaceNotebooks;
  public readonly secretScope: SecretScope;
  public readonly compute: StreamingCompute;
  /** Present when `config.databricks.unityCatalog` is on. */
  public readonly unityCatalog?: UnityCatalog;
  public readonly streams = new Map<string, StreamJobs>();
  /** The SQL warehouse that serves gold and the anomalies to BI (Power BI DirectQuery) and to the alerts. */
  public readonly warehouse: ServingWarehouse;
  /** Who every job runs as and who manages and watches it (from `config.databricks.access`). */
  public readonly jobAccess: JobAccess;
  private readonly problems: Problems;
  private eventHubsCredential?: Credential;

  public constructor(scope: Construct, id: string, props: WorkspaceStackProps) {
    super(scope, id);
    const { config, platform, workspace } = props;
    this.config = config;
    this.platform = platform;
    this.workspace = workspace;
    this.problems = Problems.of(this);
    const databricks = config.databricks;
    this.problems.oneOf('config.databricks.compute', databricks.compute, ['job', 'all-purpose']);
    this.problems.oneOf('config.databricks.jobMode', databricks.jobMode, ['continuous', 'availableNow']);
    this.problems.oneOf('config.databricks.secretScope', databricks.secretScope, ['keyvault', 'databricks']);
    this.validateAccess(databricks.access);

    new DatabricksProvider(this, 'databricks', {
      host: `https://${workspace.workspaceUrl}`,
      azureWorkspaceResourceId: workspace.workspaceResourceId,
    });
    // For the AzureDatabricks application's role assignment on the vault.
    new AzurermProvider(this, 'azurerm', {
      features: [{}],
      subscriptionId: config.subscriptionId || undefined,
      storageUseAzuread: true,
    });
    configureBackend(this, id, config.backend);

    this.notebooks = new WorkspaceNotebooks(this, 'Notebooks', {
      workspacePath: `${databricks.workspaceFolder.replace(/\/+$/, '')}/${config.name}`,
      sourceDir: props.notebooksDir,
    });
    this.secretScope = new SecretScope(this, 'SecretScope', {
      name: `${config.workload}-${config.name}`,
      backend: databricks.secretScope,
      keyVault: databricks.secretScope === 'keyvault' ? { id: platform.keyVault.id, vaultUri: platform.keyVault.vaultUri } : undefined,
      azureDatabricksObjectId: databricks.azureDatabricksObjectId,
    });
    // A Key Vault-backed scope reads the relay's URL from the vault; a Databricks-backed one holds its own copy.
    if (platform.alertRelay && databricks.secretScope === 'databricks') this.secretScope.addSecret(ALERT_RELAY_SECRET, platform.alertRelay.callbackUrl);
    this.compute = new StreamingCompute(this, 'Compute', {
      runtimeVersion: databricks.runtimeVersion,
      nodeType: databricks.nodeType,
      workers: databricks.workers,
      mode: databricks.compute,
      name: `${config.workload}-${config.name}-streaming`,
      tags: { ...platform.tags },
    });
    if (databricks.unityCatalog) {
      this.unityCatalog = new UnityCatalog(this, 'UnityCatalog', {
        catalogName: `${config.workload}_${config.name}`.replace(/-/g, '_'),
        lake: platform.lake,
        accessConnectorId: workspace.accessConnectorId,
      });
    }

    this.warehouse = new ServingWarehouse(this, 'Warehouse', {
      name: `${config.workload}-${config.name}-bi`,
      ...config.monitoring.warehouse,
      tags: { ...platform.tags },
    });
    this.jobAccess = this.grantWorkspaceAccess(databricks.access);

    new TerraformOutput(this, 'notebooks_path', { value: this.notebooks.workspacePath });
    new TerraformOutput(this, 'warehouse_server_hostname', { value: this.warehouse.serverHostname });
    new TerraformOutput(this, 'warehouse_http_path', { value: this.warehouse.httpPath });
    new TerraformOutput(this, 'secret_scope', { value: this.secretScope.name });
  }

  /**
   * Where tables live: the catalog (Unity Catalog on), or the lake with each layer in its own container
   * (`abfss://{schema}@<account>...`: the pipeline puts bronze tables in `bronze`, silver in `silver`...).
   */
  public get tables(): TableLocation {
    return this.unityCatalog
      ? { catalog: this.unityCatalog.catalogName }
      : { lakeRoot: `abfss://${SCHEMA_PLACEHOLDER}@${this.platform.lake.name}.dfs.core.windows.net/` };
  }

  /** Adds the pipeline job of one stream (see `StreamJobs`); the same name twice is a problem. */
  public addStream(input: StreamJobInput, options: AddStreamOptions = {}): StreamJobs {
    const name = input.spec.name;
    const existing = this.streams.get(name);
    if (existing) {
      this.problems.add(`streams.${name}`, name, 'a stream name not added before');
      return existing;
    }
    const databricks = this.config.databricks;
    const credential = input.credential;
    if (databricks.secretScope === 'databricks' && credential.type === 'sas') {
      if (options.connectionString) {
        this.secretScope.addSecret(credential.secretName, options.connectionString);
      } else {
        this.problems.add(
          `streams.${name}.connectionString`,
          undefined,
          "a SecretValue (the listen rule's connection string) when config.databricks.secretScope is 'databricks'",
        );
      }
    }
    const jobs = new StreamJobs(this, `Stream-${name}`, {
      input,
      mode: databricks.jobMode,
      compute: this.compute,
      notebooks: this.notebooks,
      tables: this.tables,
      checkpointsUrl: this.platform.lake.abfssUrl('checkpoints'),
      secretScope: this.secretScope.name,
      entra: credential.type === 'entra' ? this.entraSource() : undefined,
      alertWebhookSecret: this.platform.alertRelay ? ALERT_RELAY_SECRET : undefined,
      streams: { lookup: (stream) => this.streams.get(stream)?.spec, names: () => [...this.streams.keys()] },
      schedule: { quartzCronExpression: databricks.schedule, timezoneId: databricks.scheduleTimezone },
      notificationEmails: databricks.notificationEmails,
      tags: { environment: this.config.name },
      access: this.jobAccess,
    });
    this.streams.set(name, jobs);
    this.addStreamMonitoring(input);
    return jobs;
  }

  /**
   * The stream's dashboard over gold (and its anomalies), and its anomaly alert, both on the BI warehouse. A
   * stream without anomaly rules has no alerts table, so it gets no alert and no anomaly widgets.
   */
  private addStreamMonitoring(input: StreamJobInput): void {
    const folder = `${this.config.databricks.workspaceFolder.replace(/\/+$/, '')}/${this.config.name}/monitoring`;
    const anomaliesTable = input.spec.anomalies.length > 0 ? tableReference(this.tables, input.spec, 'gold', '_alerts') : undefined;
    const alert = this.config.monitoring.anomalyAlert;
    if (anomaliesTable !== undefined)
      new AnomalyAlert(this, `Anomalies-${input.spec.name}`, {
        warehouseId: this.warehouse.id,
        anomaliesTable,
        displayName: `${input.spec.name} anomalies`,
        parentPath: folder,
        minSeverity: alert.minSeverity,
        evaluationMinutes: alert.evaluationMinutes,
        subscribers: this.config.databricks.notificationEmails,
        tags: { environment: this.config.name },
        access: this.jobAccess,
      });
    const [firstWindow] = input.spec.windows;
    const dashboard = new StreamDashboard(this, `Dashboard-${input.spec.name}`, {
      warehouseId: this.warehouse.id,
      displayName: `${input.spec.name} stream`,
      parentPath: folder,
      goldTable: tableReference(this.tables, input.spec, 'gold', firstWindow ? `_${firstWindow.id}` : ''),
      anomaliesTable,
    });
    const { adminGroup, biGroup } = this.config.databricks.access;
    permissionsOn(dashboard, 'Permissions', { dashboardId: dashboard.resource.id }, [
      { principal: { group: adminGroup }, level: 'CAN_MANAGE' },
      { principal: { group: biGroup }, level: 'CAN_RUN' },
    ]);
  }

  /**
   * How the environment's `entra` streams read Event Hubs: with Unity Catalog, one service credential on the
   * access connector (created with the first such stream, usable by the jobs' principal alone); without, the
   * configured Entra application (whose missing fields the platform stack reports).
   */
  private entraSource(): EntraSource {
    if (this.unityCatalog) {
      if (!this.eventHubsCredential) {
        const users = this.jobAccess.runAs === undefined ? [] : [this.jobAccess.runAs];
        this.eventHubsCredential = this.unityCatalog.addServiceCredential(
          'eventhubs',
          users,
          'Access connector identity reading Event Hubs (Data Receiver per event hub)',
        );
      }
      return { type: 'serviceCredential', name: this.eventHubsCredential.name };
    }
    const client = this.config.eventHubs.entraClient;
    return { type: 'oauthClient', tenantId: this.platform.deployer.tenantId, clientId: client.applicationId, secretName: client.secretName };
  }

  private validateAccess(access: WorkspaceAccessConfig): void {
    const at = 'config.databricks.access';
    if (access.runAs !== '') this.problems.matches(`${at}.runAs`, access.runAs, GUID, "a service principal's application id (a GUID), or '' for the default");
    for (const key of ['adminGroup', 'operatorsGroup', 'biGroup'] as const) {
      this.problems.matches(`${at}.${key}`, access[key], /^\S(.*\S)?$/, 'the name of a workspace group');
    }
  }

  /**
   * The environment's access model: the jobs run as the configured service principal (in production one is
   * required, asked for at apply when not configured), which alone reads the secret scope and writes the
   * catalog's tables; the admin group manages the warehouse, which the BI group and the jobs' principal use;
   * the BI group reads gold.
   */
  private grantWorkspaceAccess(access: WorkspaceAccessConfig): JobAccess {
    const runAs = access.runAs || (this.config.production ? runAsVariable(this).stringValue : undefined);
    const warehouseUsers: WorkspaceGrant[] = [{ principal: { group: access.biGroup }, level: 'CAN_USE' }];
    if (runAs !== undefined) {
      this.secretScope.grantRead(runAs, 'RunAsReader');
      // The alert jobs run their SQL on the warehouse as this principal.
      warehouseUsers.push({ principal: { servicePrincipal: runAs }, level: 'CAN_USE' });
    }
    permissionsOn(this.warehouse, 'Permissions', { sqlEndpointId: this.warehouse.id }, [
      { principal: { group: access.adminGroup }, level: 'CAN_MANAGE' },
      ...warehouseUsers,
    ]);
    this.unityCatalog?.grantAccess({ writer: runAs, readers: [access.biGroup] });
    return { runAs, manageGroup: access.adminGroup, viewGroup: access.operatorsGroup };
  }
}

/** The Terraform variable a production environment asks for when `config.databricks.access.runAs` is empty. */
export const RUN_AS_VARIABLE = 'databricks_run_as_application_id';

function runAsVariable(stack: TerraformStack): TerraformVariable {
  return new TerraformVariable(stack, RUN_AS_VARIABLE, {
    type: 'string',
    description: 'Application id of the service principal the jobs run as (required in production)',
  });
}
