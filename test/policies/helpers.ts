import { type DatabricksWorkspaceConfig, DatabricksWorkspace as DatabricksWorkspaceResource } from '@cdktf/provider-azurerm/lib/databricks-workspace';
import { EventhubNamespace, type EventhubNamespaceConfig } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { type KeyVaultConfig, KeyVault as KeyVaultResource } from '@cdktf/provider-azurerm/lib/key-vault';
import { StorageAccount, type StorageAccountConfig } from '@cdktf/provider-azurerm/lib/storage-account';
import { Aspects, type TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { Construct, IConstruct } from 'constructs';
import { Naming } from '../../constructs/core/naming';
import { EventHubNamespace, type EventHubNamespaceProps } from '../../constructs/eventhubs/eventhub-namespace';
import { KeyVault, type KeyVaultProps } from '../../constructs/keyvault/key-vault';
import { PolicyAspect, type PolicyAspectOptions } from '../../constructs/policies/policy-aspect';
import { LakeStorage, type LakeStorageProps } from '../../constructs/storage/lake-storage';

export { testStack } from '../helpers/synth';

export interface Finding {
  readonly level: 'error' | 'warning' | 'info';
  readonly path: string;
  readonly message: string;
}

const LEVELS: Record<string, Finding['level']> = { '@cdktf/error': 'error', '@cdktf/warn': 'warning', '@cdktf/info': 'info' };

/** Adds a PolicyAspect to the stack and runs the stack's aspects once, as synthesis does. */
export function checkPolicies(stack: TerraformStack, options: PolicyAspectOptions = {}): PolicyAspect {
  const aspect = new PolicyAspect(options);
  Aspects.of(stack).add(aspect);
  invokeAspects(stack);
  return aspect;
}

/** Every policy annotation under `scope` (messages starting with `[SP-` or `[policy-suppressions]`), in tree order. */
export function findingsOf(scope: IConstruct): Finding[] {
  const findings: Finding[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      const level = LEVELS[entry.type];
      const message = String(entry.data);
      if (level && (message.startsWith('[SP-') || message.startsWith('[policy-suppressions]'))) findings.push({ level, path: node.node.path, message });
    }
  }
  return findings;
}

export const LOCATION = 'westeurope';
export const naming = new Naming({ workload: 'stream', environment: 'dev', region: LOCATION });

// The project's constructs, with their secure defaults.

export function lake(scope: Construct, props: Partial<LakeStorageProps> = {}): LakeStorage {
  return new LakeStorage(scope, 'Lake', { name: 'ststreamdev1a2b', resourceGroupName: 'rg', location: LOCATION, ...props });
}

export function vault(scope: Construct, props: Partial<KeyVaultProps> = {}): KeyVault {
  return new KeyVault(scope, 'Vault', { name: 'kv-stream-dev-1a2b', resourceGroupName: 'rg', location: LOCATION, tenantId: 'tenant', ...props });
}

export function namespace(scope: Construct, props: Partial<EventHubNamespaceProps> = {}): EventHubNamespace {
  return new EventHubNamespace(scope, 'Events', { name: 'evhns-stream-dev-1a2b', resourceGroupName: 'rg', location: LOCATION, ...props });
}

// Raw provider resources, for the configurations the constructs never produce.

export function rawNamespace(scope: Construct, config: Partial<EventhubNamespaceConfig> = {}): EventhubNamespace {
  return new EventhubNamespace(scope, 'RawNamespace', { name: 'evhns-raw', resourceGroupName: 'rg', location: LOCATION, sku: 'Standard', ...config });
}

export function rawStorage(scope: Construct, config: Partial<StorageAccountConfig> = {}): StorageAccount {
  return new StorageAccount(scope, 'RawStorage', {
    name: 'straw',
    resourceGroupName: 'rg',
    location: LOCATION,
    accountTier: 'Standard',
    accountReplicationType: 'LRS',
    ...config,
  });
}

export function rawVault(scope: Construct, config: Partial<KeyVaultConfig> = {}): KeyVaultResource {
  return new KeyVaultResource(scope, 'RawVault', {
    name: 'kv-raw',
    resourceGroupName: 'rg',
    location: LOCATION,
    skuName: 'standard',
    tenantId: 'tenant',
    ...config,
  });
}

export function rawWorkspace(scope: Construct, config: Partial<DatabricksWorkspaceConfig> = {}): DatabricksWorkspaceResource {
  return new DatabricksWorkspaceResource(scope, 'RawWorkspace', { name: 'dbw-raw', resourceGroupName: 'rg', location: LOCATION, sku: 'premium', ...config });
}
