import { DatabricksAccessConnector } from '@cdktf/provider-azurerm/lib/databricks-access-connector';
import { DatabricksWorkspace as DatabricksWorkspaceResource } from '@cdktf/provider-azurerm/lib/databricks-workspace';
import { DatabricksWorkspaceRootDbfsCustomerManagedKey } from '@cdktf/provider-azurerm/lib/databricks-workspace-root-dbfs-customer-managed-key';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { NAME_RULES, type Naming } from '../core/naming';
import { Problems } from '../core/problems';
import type { EncryptionKey } from '../keyvault/encryption-key';
import type { LakeStorage } from '../storage/lake-storage';

/** `network_security_group_rules_required` values (azurerm 4.55 `databricks_workspace`). */
export const NSG_RULES_REQUIRED = ['AllRules', 'NoAzureDatabricksRules', 'NoAzureServiceRules'] as const;
export type NsgRulesRequired = (typeof NSG_RULES_REQUIRED)[number];

/**
 * VNet injection: the workspace's clusters run in two subnets of our own VNet, each delegated to
 * `Microsoft.Databricks/workspaces` and associated with an NSG (see `PrivateNetwork`).
 */
export interface VnetInjectionOptions {
  readonly virtualNetworkId: string;
  /** The "host" subnet. */
  readonly publicSubnetName: string;
  /** The "container" subnet. */
  readonly privateSubnetName: string;
  readonly publicSubnetNsgAssociationId: string;
  readonly privateSubnetNsgAssociationId: string;
}

export interface DatabricksWorkspaceProps {
  /** Names of the workspace, its managed resource group and access connector. */
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * Only `premium` is accepted: Unity Catalog and secret ACLs need it.
   * @default 'premium'
   */
  readonly sku?: string;
  /**
   * Secure cluster connectivity: cluster nodes get no public IP address.
   * @default true
   */
  readonly noPublicIp?: boolean;
  /**
   * Whether the workspace UI and REST API are reachable over the internet. When false the workspace is
   * reached through Private Link only, which needs VNet injection.
   * @default true
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * Which NSG rules Databricks manages. Must be `NoAzureDatabricksRules` when `publicNetworkAccess` is false
   * (clusters reach the control plane through the back-end private endpoint).
   * @default undefined when public access is on, 'NoAzureDatabricksRules' when it is off
   */
  readonly nsgRulesRequired?: NsgRulesRequired;
  /**
   * VNet injection; all five values or none.
   * @default undefined (a Databricks-managed VNet)
   */
  readonly vnet?: Partial<VnetInjectionOptions>;
  /**
   * Prepares the workspace for a customer-managed key on its DBFS root (`encryptRootWith`): the workspace's
   * storage account gets a managed identity.
   * @default false
   */
  readonly customerManagedKey?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

const VNET_FIELDS: readonly (keyof VnetInjectionOptions)[] = [
  'virtualNetworkId',
  'publicSubnetName',
  'privateSubnetName',
  'publicSubnetNsgAssociationId',
  'privateSubnetNsgAssociationId',
];

/**
 * An Azure Databricks workspace (Premium, secure cluster connectivity) with an access connector, the
 * managed identity Unity Catalog uses to reach the lake.
 *
 * It lives in the platform stack; the workspace stack configures its Databricks provider from
 * `workspaceUrl` and `workspaceResourceId` through cross-stack references.
 *
 * @example
 * const databricks = new DatabricksWorkspace(this, 'Databricks', {
 *   naming, resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope',
 * });
 * databricks.grantLakeAccess(lake);
 */
export class DatabricksWorkspace extends Construct {
  /** The underlying workspace (escape hatch). */
  public readonly resource: DatabricksWorkspaceResource;
  /** The access connector (a system-assigned managed identity for Unity Catalog storage credentials). */
  public readonly accessConnector: DatabricksAccessConnector;

  public constructor(scope: Construct, id: string, props: DatabricksWorkspaceProps) {
    super(scope, id);
    const problems = Problems.of(this);
    const sku = props.sku ?? 'premium';
    const publicAccess = props.publicNetworkAccess ?? true;
    const nsgRules = props.nsgRulesRequired ?? (publicAccess ? undefined : 'NoAzureDatabricksRules');
    const name = props.naming.databricksWorkspace();
    const vnet = props.vnet ?? {};
    const given = VNET_FIELDS.filter((field) => vnet[field] !== undefined && vnet[field] !== '');

    problems.matches('name', name, NAME_RULES.databricksWorkspace.pattern, NAME_RULES.databricksWorkspace.rule);
    problems.oneOf('sku', sku, ['premium']);
    problems.oneOf('nsgRulesRequired', nsgRules, NSG_RULES_REQUIRED);
    if (given.length > 0 && given.length < VNET_FIELDS.length) {
      const missing = VNET_FIELDS.filter((field) => !given.includes(field));
      problems.addConflict(`vnet: VNet injection needs all of ${VNET_FIELDS.join(', ')} or none; missing ${missing.join(', ')}`);
    }
    if (!publicAccess) {
      if (nsgRules !== undefined && nsgRules !== 'NoAzureDatabricksRules') {
        problems.add('nsgRulesRequired', nsgRules, "'NoAzureDatabricksRules' when publicNetworkAccess is false (back-end Private Link)");
      }
      if (given.length === 0) {
        problems.addConflict('publicNetworkAccess: false needs VNet injection (vnet.virtualNetworkId and the subnet and NSG association values)');
      }
    }

    const injected = given.length === VNET_FIELDS.length;
    this.resource = new DatabricksWorkspaceResource(this, 'Resource', {
      name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku,
      managedResourceGroupName: props.naming.databricksManagedResourceGroup(),
      publicNetworkAccessEnabled: publicAccess,
      networkSecurityGroupRulesRequired: nsgRules,
      customerManagedKeyEnabled: props.customerManagedKey || undefined,
      customParameters: {
        noPublicIp: props.noPublicIp ?? true,
        virtualNetworkId: injected ? vnet.virtualNetworkId : undefined,
        publicSubnetName: injected ? vnet.publicSubnetName : undefined,
        privateSubnetName: injected ? vnet.privateSubnetName : undefined,
        publicSubnetNetworkSecurityGroupAssociationId: injected ? vnet.publicSubnetNsgAssociationId : undefined,
        privateSubnetNetworkSecurityGroupAssociationId: injected ? vnet.privateSubnetNsgAssociationId : undefined,
      },
      tags: props.tags,
    });
    this.accessConnector = new DatabricksAccessConnector(this, 'AccessConnector', {
      name: props.naming.databricksAccessConnector(),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      identity: { type: 'SystemAssigned' },
      tags: props.tags,
    });
  }

  /** The workspace host name (`adb-<id>.<n>.azuredatabricks.net`, no scheme). */
  public get workspaceUrl(): string {
    return this.resource.workspaceUrl;
  }

  /** The Azure resource id of the workspace (the provider's `azure_workspace_resource_id`). */
  public get workspaceResourceId(): string {
    return this.resource.id;
  }

  /** The numeric Databricks workspace id. */
  public get workspaceId(): string {
    return this.resource.workspaceId;
  }

  public get accessConnectorId(): string {
    return this.accessConnector.id;
  }

  /** The access connector's managed identity (for grants on storage). */
  public get accessConnectorPrincipalId(): string {
    return this.accessConnector.identity.principalId;
  }

  /**
   * Encrypts the DBFS root with a customer-managed key (the workspace needs `customerManagedKey`): the
   * workspace storage account's identity gets the key's encryption role.
   */
  public encryptRootWith(key: EncryptionKey): DatabricksWorkspaceRootDbfsCustomerManagedKey {
    const principalId = this.resource.storageAccountIdentity.get(0).principalId;
    const role = key.grantEncryption({ principalId }, 'DbfsRootEncryption');
    return new DatabricksWorkspaceRootDbfsCustomerManagedKey(this, 'RootCustomerManagedKey', {
      workspaceId: this.resource.id,
      keyVaultKeyId: key.id,
      dependsOn: [role],
    });
  }

  /** Grants the access connector "Storage Blob Data Contributor" on the lake, for Unity Catalog storage credentials. */
  public grantLakeAccess(lake: LakeStorage, id = 'DatabricksAccessConnector'): RoleAssignment {
    return lake.grantReadWrite({ principalId: this.accessConnectorPrincipalId }, id);
  }
}
