import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Aspects, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { annotate } from '../constructs/core/annotations';
import { GUID, NAME_RULES, Naming } from '../constructs/core/naming';
import { Problems } from '../constructs/core/problems';
import { standardTags, TagsAspect } from '../constructs/core/tags';
import { DatabricksWorkspace } from '../constructs/databricks/databricks-workspace';
import { EventHubNamespace } from '../constructs/eventhubs/eventhub-namespace';
import { EncryptionKey } from '../constructs/keyvault/encryption-key';
import { KeyVault } from '../constructs/keyvault/key-vault';
import { AlertRelay } from '../constructs/monitoring/alert-relay';
import { LogAnalytics } from '../constructs/monitoring/log-analytics';
import { StreamAlerts } from '../constructs/monitoring/stream-alerts';
import { PrivateEndpointFor, type PrivateLinkSubresource } from '../constructs/network/private-endpoint';
import { PrivateNetwork } from '../constructs/network/private-network';
import { EVENTHUBS_AUTHS } from '../constructs/patterns/stream-auth';
import { LakeStorage } from '../constructs/storage/lake-storage';
import { configureBackend } from './backend';
import type { EnvironmentConfig } from './config/environment';

/** The vault secret, and secret scope key, holding the alert relay's callback URL. */
export const ALERT_RELAY_SECRET = 'anomaly-alert-relay-url';
/** The Terraform variable a production environment with no alert receiver asks for. */
export const ALERT_EMAIL_VARIABLE = 'alert_email_address';

export interface PlatformStackProps {
  readonly config: EnvironmentConfig;
}

/**
 * How the lake, the namespace and the vault face the internet. Public mode opens their public endpoints (to
 * everyone, or to allowedIpRanges); private mode lets only the deploying agents' ranges through, for
 * Terraform's data-plane calls.
 */
function networkExposure(network: EnvironmentConfig['network']) {
  const ranges = network.allowedIpRanges;
  if (network.mode === 'private') {
    return { publicNetworkAccess: ranges.length > 0, defaultAction: ranges.length > 0 ? ('Deny' as const) : undefined, allowedIpRanges: ranges };
  }
  return { publicNetworkAccess: true, defaultAction: ranges.length > 0 ? ('Deny' as const) : ('Allow' as const), allowedIpRanges: ranges };
}

/**
 * The Azure side of one environment: resource group, lake, Event Hubs namespace and Key Vault,
 * and in private mode the VNet and private endpoints. Streams add their event hubs to it.
 */
export class PlatformStack extends TerraformStack {
  public readonly config: EnvironmentConfig;
  public readonly naming: Naming;
  public readonly tags: Record<string, string>;
  public readonly resourceGroup: ResourceGroup;
  public readonly lake: LakeStorage;
  public readonly namespace: EventHubNamespace;
  public readonly keyVault: KeyVault;
  /** The identity running `terraform apply` (it writes the Key Vault secrets). */
  public readonly deployer: DataAzurermClientConfig;
  /** Present in private network mode. */
  public readonly network?: PrivateNetwork;
  /** The Databricks workspace; its content is deployed by the environment's workspace stack. */
  public readonly databricks: DatabricksWorkspace;
  /** The environment's Log Analytics workspace, where every resource's diagnostics go. */
  public readonly logs: LogAnalytics;
  /** Event Hubs metric alerts and their action group; streams add their per-hub alerts. */
  public readonly alerts: StreamAlerts;
  /**
   * The anomaly alert relay (a Logic App), when the environment has a receiver; its callback URL is the vault
   * secret `ALERT_RELAY_SECRET`, which the pipeline jobs post their alerts to.
   */
  public readonly alertRelay?: AlertRelay;

  public constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const config = props.config;
    this.config = config;
    this.naming = new Naming({ workload: config.workload, environment: config.shortName, region: config.region, uniqueSeed: config.uniqueSeed });
    this.validateConfig();
    this.tags = standardTags(config.workload, config.name, config.tags);
    Aspects.of(this).add(new TagsAspect(this.tags));

    new AzurermProvider(this, 'azurerm', {
      features: [{}],
      subscriptionId: config.subscriptionId || undefined,
      // The lake allows no anonymous access; Terraform reaches its data plane with Entra ID.
      storageUseAzuread: true,
    });
    configureBackend(this, id, config.backend);

    const location = config.region;
    this.resourceGroup = new ResourceGroup(this, 'ResourceGroup', { name: this.naming.resourceGroup(), location });
    const resourceGroupName = this.resourceGroup.name;
    this.deployer = new DataAzurermClientConfig(this, 'Deployer', {});
    if (config.network.mode === 'private') {
      this.network = new PrivateNetwork(this, 'Network', {
        naming: this.naming,
        resourceGroupName,
        location,
        addressSpace: config.network.addressSpace,
        databricksPrivateLink: config.network.databricksPrivateLink,
      });
    }
    const exposure = networkExposure(config.network);

    this.lake = new LakeStorage(this, 'Lake', {
      name: this.naming.storageAccount(),
      resourceGroupName,
      location,
      replication: config.storage.replication,
      softDeleteDays: config.storage.softDeleteDays,
      // Only Capture needs the account's shared keys (see LakeStorageProps.sharedAccessKey).
      sharedAccessKey: config.eventHubs.capture.enabled,
      ...exposure,
    });
    const hubs = config.eventHubs;
    this.namespace = new EventHubNamespace(this, 'EventHubs', {
      name: this.naming.eventHubNamespace(),
      resourceGroupName,
      location,
      tier: hubs.tier,
      capacity: hubs.capacity,
      autoInflateMaxThroughputUnits: hubs.autoInflateMaxThroughputUnits > 0 ? hubs.autoInflateMaxThroughputUnits : undefined,
      localAuthentication: hubs.localAuthentication,
      network: exposure,
    });
    this.keyVault = new KeyVault(this, 'KeyVault', {
      name: this.naming.keyVault(),
      resourceGroupName,
      location,
      tenantId: this.deployer.tenantId,
      softDeleteDays: config.keyVault.softDeleteDays,
      // Customer-managed keys are HSM-backed, which takes the premium tier.
      sku: config.storage.customerManagedKeys ? 'premium' : undefined,
      ...exposure,
    });
    this.keyVault.addSecretDependency(this.keyVault.grantSecretsWrite({ principalId: this.deployer.objectId }, 'DeployerSecretsOfficer'));

    this.databricks = this.newDatabricksWorkspace(resourceGroupName, location);
    this.databricks.grantLakeAccess(this.lake);
    if (config.storage.customerManagedKeys) this.addCustomerManagedKeys();
    if (this.network) this.addPrivateEndpoints(this.network, resourceGroupName, location);

    this.logs = this.addLogs(resourceGroupName, location);
    const alertEmails = this.alertEmails();
    this.alerts = this.addAlerts(resourceGroupName, alertEmails);
    this.alertRelay = this.addAlertRelay(resourceGroupName, location, alertEmails);

    this.addOutputs(resourceGroupName);
  }

  /**
   * Private mode injects the clusters into the environment's VNet; with `databricksPrivateLink` the UI and
   * API are reached through the private endpoints only (added with the others), otherwise over the internet.
   */
  private newDatabricksWorkspace(resourceGroupName: string, location: string): DatabricksWorkspace {
    const network = this.network;
    return new DatabricksWorkspace(this, 'Databricks', {
      naming: this.naming,
      resourceGroupName,
      location,
      publicNetworkAccess: !(network && this.config.network.databricksPrivateLink),
      customerManagedKey: this.config.storage.customerManagedKeys,
      vnet: network
        ? {
            virtualNetworkId: network.vnet.id,
            publicSubnetName: network.databricksHostSubnet.name,
            privateSubnetName: network.databricksContainerSubnet.name,
            publicSubnetNsgAssociationId: network.databricksHostNsgAssociation.id,
            privateSubnetNsgAssociationId: network.databricksContainerNsgAssociation.id,
          }
        : undefined,
    });
  }

  /** One key each for the lake and the DBFS root, created once the deployer may create keys. */
  private addCustomerManagedKeys(): void {
    const creatorRole = this.keyVault.grantKeysWrite({ principalId: this.deployer.objectId }, 'DeployerCryptoOfficer');
    const key = (id: string, name: string) => new EncryptionKey(this, id, { keyVaultId: this.keyVault.id, name, creatorRole });
    this.lake.encryptWith(key('LakeKey', 'cmk-lake'));
    this.databricks.encryptRootWith(key('DbfsRootKey', 'cmk-dbfs-root'));
  }

  private validateConfig(): void {
    const problems = Problems.of(this);
    problems.oneOf('config.network.mode', this.config.network.mode, ['public', 'private'] as const);
    if (this.config.network.databricksPrivateLink && this.config.network.mode !== 'private') {
      problems.add('config.network.databricksPrivateLink', true, "false in network mode 'public' (the private endpoints need the private mode's VNet)");
    }
    const hubs = this.config.eventHubs;
    problems.oneOf('config.eventHubs.auth', hubs.auth, EVENTHUBS_AUTHS);
    if (hubs.auth === 'entra' && !this.config.databricks.unityCatalog) {
      // Without Unity Catalog's service credential, the jobs read as a configured Entra application.
      const { applicationId, objectId, secretName } = hubs.entraClient;
      const why = "with auth 'entra' and databricks.unityCatalog off";
      if (!GUID.test(applicationId)) problems.add('config.eventHubs.entraClient.applicationId', applicationId, `the application (client) id, a GUID, ${why}`);
      if (!GUID.test(objectId)) problems.add('config.eventHubs.entraClient.objectId', objectId, `the object id of its service principal, a GUID, ${why}`);
      problems.matches(
        'config.eventHubs.entraClient.secretName',
        secretName,
        NAME_RULES.keyVaultSecret.pattern,
        `the Key Vault secret holding its client secret (${NAME_RULES.keyVaultSecret.rule}) ${why}`,
      );
    }
    for (const problem of this.naming.validate()) {
      problems.add(`config.${problem.field === 'environment' ? 'shortName' : problem.field}`, problem.value, problem.allowed);
    }
  }

  /** Private endpoints of the namespace, the vault, the lake (dfs and blob) and, with Private Link, the workspace. */
  private addPrivateEndpoints(network: PrivateNetwork, resourceGroupName: string, location: string): void {
    const endpoint = (name: string, resourceId: string, subresource: PrivateLinkSubresource) =>
      new PrivateEndpointFor(this, `PrivateEndpoint-${name}`, {
        name: this.naming.privateEndpoint(name),
        resourceGroupName,
        location,
        subnetId: network.endpointSubnet.id,
        resourceId,
        subresource,
        privateDnsZoneId: network.dnsZoneId(subresource),
      });
    endpoint('evhns', this.namespace.id, 'namespace');
    endpoint('kv', this.keyVault.id, 'vault');
    endpoint('st-dfs', this.lake.id, 'dfs');
    endpoint('st-blob', this.lake.id, 'blob');
    if (this.config.network.databricksPrivateLink) {
      endpoint('dbw-ui', this.databricks.workspaceResourceId, 'databricks_ui_api');
      endpoint('dbw-auth', this.databricks.workspaceResourceId, 'browser_authentication');
    }
  }

  /** The environment's Log Analytics workspace, with the diagnostics of every resource that has them. */
  private addLogs(resourceGroupName: string, location: string): LogAnalytics {
    const logs = new LogAnalytics(this, 'Logs', { naming: this.naming, resourceGroupName, location, retentionDays: this.config.monitoring.logRetentionDays });
    logs.addDiagnostics('EventHubs', this.namespace.resource);
    logs.addDiagnostics('KeyVault', this.keyVault.resource);
    logs.addDiagnostics('Lake', this.lake.resource);
    logs.addDiagnostics('Databricks', this.databricks.resource);
    return logs;
  }

  private addAlerts(resourceGroupName: string, emails: readonly string[]): StreamAlerts {
    const { monitoring, workload, shortName, eventHubs } = this.config;
    return new StreamAlerts(this, 'Alerts', {
      namespace: this.namespace,
      throughputUnits: eventHubs.capacity,
      resourceGroupName,
      actionGroup: { name: `ag-${workload}-${shortName}`, shortName: monitoring.actionGroupShortName, emails, webhooks: monitoring.alertWebhooks },
    });
  }

  /** The anomaly alert relay to the environment's receivers, its callback URL in the vault; none without a receiver. */
  private addAlertRelay(resourceGroupName: string, location: string, emails: readonly string[]): AlertRelay | undefined {
    const { monitoring, workload, shortName } = this.config;
    if (emails.length === 0 && monitoring.alertWebhooks.length === 0) return undefined;
    const relay = new AlertRelay(this, 'AlertRelay', {
      name: `logic-${workload}-${shortName}-alerts`,
      resourceGroupName,
      location,
      emails,
      webhooks: monitoring.alertWebhooks,
    });
    this.keyVault.addSecret({ name: ALERT_RELAY_SECRET, value: relay.callbackUrl, contentType: 'Anomaly alert relay URL (Logic App trigger)' });
    return relay;
  }

  /**
   * The configured e-mail receivers. A production environment with no receiver at all asks for an on-call
   * address at apply, unless `noReceiverReason` says why no one is to be told.
   */
  private alertEmails(): readonly string[] {
    const { monitoring, production } = this.config;
    if (!production || monitoring.alertEmails.length > 0 || monitoring.alertWebhooks.length > 0) return monitoring.alertEmails;
    if (monitoring.noReceiverReason.trim() !== '') {
      annotate(this, 'info', `No alert receiver, by configuration: ${monitoring.noReceiverReason.trim()}`);
      return [];
    }
    const address = new TerraformVariable(this, ALERT_EMAIL_VARIABLE, {
      type: 'string',
      description: 'On-call e-mail address for alerts (production has no receiver in its configuration)',
    });
    return [address.stringValue];
  }

  /** What the workspace stack and operators read: names and ids of the environment's resources. */
  private addOutputs(resourceGroupName: string): void {
    new TerraformOutput(this, 'resource_group_name', { value: resourceGroupName });
    new TerraformOutput(this, 'eventhub_namespace_name', { value: this.namespace.resource.name });
    new TerraformOutput(this, 'eventhub_namespace_id', { value: this.namespace.id });
    new TerraformOutput(this, 'key_vault_uri', { value: this.keyVault.vaultUri });
    new TerraformOutput(this, 'lake_account_name', { value: this.lake.resource.name });
    new TerraformOutput(this, 'lake_dfs_endpoint', { value: this.lake.resource.primaryDfsEndpoint });
    new TerraformOutput(this, 'log_analytics_workspace_id', { value: this.logs.id });
  }
}
