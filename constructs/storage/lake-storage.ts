import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageAccountCustomerManagedKeyA } from '@cdktf/provider-azurerm/lib/storage-account-customer-managed-key';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Construct } from 'constructs';
import { assignRole, type Grantee } from '../core/grants';
import { NAME_RULES } from '../core/naming';
import { Problems } from '../core/problems';
import type { CaptureDestination } from '../eventhubs/event-hub';
import type { EncryptionKey } from '../keyvault/encryption-key';

/** The containers (ADLS Gen2 file systems) of the medallion lake. */
export const LAKE_CONTAINERS = ['bronze', 'silver', 'gold', 'checkpoints', 'capture', 'quarantine'] as const;
export type LakeContainer = (typeof LAKE_CONTAINERS)[number];

export interface LakeStorageProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** @default 'ZRS' */
  readonly replication?: 'LRS' | 'ZRS' | 'GRS' | 'GZRS' | 'RAGRS' | 'RAGZRS';
  /**
   * Whether the public endpoint is reachable at all.
   * @default false (private endpoints only)
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * Action for traffic no rule matches when the public endpoint is on.
   * @default 'Deny'
   */
  readonly defaultAction?: 'Allow' | 'Deny';
  /** @default [] */
  readonly allowedIpRanges?: readonly string[];
  /** @default [] */
  readonly allowedSubnetIds?: readonly string[];
  /** Days deleted blobs and containers can be restored (1–365). @default 7 */
  readonly softDeleteDays?: number;
  /**
   * Whether the account accepts its shared keys. Event Hubs Capture writes with them: the pinned azurerm
   * provider cannot point Capture at the namespace's managed identity. Terraform (`storage_use_azuread`)
   * and Databricks (the access connector) use Entra ID.
   * @default false (Entra ID only)
   */
  readonly sharedAccessKey?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * An ADLS Gen2 account (hierarchical namespace) holding the lake's containers: HTTPS only, TLS 1.2,
 * no public blob access, network rules with the trusted-services bypass, blob and container soft delete.
 *
 * @example
 * const lake = new LakeStorage(this, 'Lake', {
 *   name: naming.storageAccount(), resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope', replication: 'ZRS',
 * });
 * lake.grantRead({ principalId: analystsGroupId, principalType: 'Group' }, 'gold');
 */
export class LakeStorage extends Construct {
  /** The underlying account (escape hatch). */
  public readonly resource: StorageAccount;
  public readonly name: string;
  private readonly containers = new Map<string, StorageContainer>();
  private readonly problems: Problems;

  public constructor(scope: Construct, id: string, props: LakeStorageProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    this.name = props.name;
    const softDeleteDays = props.softDeleteDays ?? 7;
    const publicAccess = props.publicNetworkAccess ?? false;
    this.problems.matches('name', props.name, NAME_RULES.storageAccount.pattern, NAME_RULES.storageAccount.rule);
    this.problems.integerInRange('softDeleteDays', softDeleteDays, 1, 365);
    if (!publicAccess && (props.allowedIpRanges?.length || props.allowedSubnetIds?.length || props.defaultAction)) {
      this.problems.addConflict(
        'allowedIpRanges, allowedSubnetIds and defaultAction apply to the public endpoint, but publicNetworkAccess is false; set publicNetworkAccess: true or remove them',
      );
    }

    this.resource = new StorageAccount(this, 'Account', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: props.replication ?? 'ZRS',
      isHnsEnabled: true,
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: 'TLS1_2',
      allowNestedItemsToBePublic: false,
      publicNetworkAccessEnabled: publicAccess,
      crossTenantReplicationEnabled: false,
      defaultToOauthAuthentication: true,
      // No SFTP/NFS local users: every reader and writer signs in with Entra ID.
      localUserEnabled: false,
      sharedAccessKeyEnabled: props.sharedAccessKey ?? false,
      // Nothing here issues SAS tokens; one made by hand for a repair should not outlive the day.
      sasPolicy: { expirationPeriod: '1.00:00:00' },
      networkRules: {
        defaultAction: publicAccess ? (props.defaultAction ?? 'Deny') : 'Deny',
        // Event Hubs Capture and Databricks' access connector reach the lake as trusted Azure services.
        bypass: ['AzureServices', 'Logging', 'Metrics'],
        ipRules: [...(props.allowedIpRanges ?? [])],
        virtualNetworkSubnetIds: [...(props.allowedSubnetIds ?? [])],
      },
      blobProperties: {
        deleteRetentionPolicy: { days: softDeleteDays },
        containerDeleteRetentionPolicy: { days: softDeleteDays },
      },
      identity: { type: 'SystemAssigned' },
      tags: props.tags,
    });
    for (const container of LAKE_CONTAINERS) this.addContainer(container);
  }

  /** The account's resource id. */
  public get id(): string {
    return this.resource.id;
  }

  /** Adds a private container (file system). Adding the same name twice returns the first. */
  public addContainer(name: string): StorageContainer {
    const existing = this.containers.get(name);
    if (existing) return existing;
    this.problems.matches(`containers.${name}`, name, NAME_RULES.storageContainer.pattern, NAME_RULES.storageContainer.rule);
    const container = new StorageContainer(this, `Container-${name}`, {
      name,
      storageAccountId: this.resource.id,
      containerAccessType: 'private',
    });
    this.containers.set(name, container);
    return container;
  }

  public container(name: LakeContainer | string): StorageContainer {
    const container = this.containers.get(name);
    if (!container) throw new Error(`${this.node.path}: no container '${name}'; containers: ${[...this.containers.keys()].join(', ')}`);
    return container;
  }

  /**
   * The `abfss://` URL of a container, or of a path inside it. Built from the configured names rather
   * than resource attributes, so another stack can use it without a cross-stack reference.
   */
  public abfssUrl(container: LakeContainer | string, path = ''): string {
    this.container(container);
    return `abfss://${container}@${this.name}.dfs.core.windows.net/${path}`;
  }

  /** Where Event Hubs Capture writes: the `capture` container. */
  public captureDestination(): CaptureDestination {
    this.container('capture');
    return { storageAccountId: this.resource.id, containerName: 'capture' };
  }

  /**
   * Encrypts the account with a customer-managed key: its managed identity gets the key's encryption role,
   * and the account uses the key without a version, so the key's rotations apply by themselves.
   */
  public encryptWith(key: EncryptionKey): StorageAccountCustomerManagedKeyA {
    const role = key.grantEncryption({ principalId: this.resource.identity.principalId }, 'LakeEncryption');
    return new StorageAccountCustomerManagedKeyA(this, 'CustomerManagedKey', {
      storageAccountId: this.resource.id,
      keyVaultId: key.keyVaultId,
      keyName: key.name,
      dependsOn: [role],
    });
  }

  /** Grants "Storage Blob Data Contributor" on the account (read, write and delete lake data). */
  public grantReadWrite(grantee: Grantee, id = 'BlobDataContributor'): RoleAssignment {
    return assignRole(this, id, this.resource.id, 'Storage Blob Data Contributor', grantee);
  }

  /** Grants "Storage Blob Data Reader" on one container only. */
  public grantRead(grantee: Grantee, container: LakeContainer | string, id = `BlobDataReader-${container}`): RoleAssignment {
    return assignRole(this, id, this.container(container).resourceManagerId, 'Storage Blob Data Reader', grantee);
  }
}
