import { Testing } from 'cdktf';
import { KEY_ROTATION } from '../constructs/keyvault/encryption-key';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import type { EnvironmentConfig } from '../stacks/config/environment';
import { PlatformStack } from '../stacks/platform-stack';
import { problemsOf, refOf, resourcesOf, type TerraformJson } from './helpers/synth';

function platform(config: EnvironmentConfig) {
  const stack = new PlatformStack(Testing.app(), `${config.name}-platform`, { config });
  return { stack, json: JSON.parse(Testing.synth(stack, false)) as TerraformJson };
}

describe('customer-managed keys (storage.customerManagedKeys)', () => {
  test('prod: one HSM key each for the lake and the DBFS root, rotated by policy, created after the deployer may create keys', () => {
    const { stack, json } = platform(DEFAULT_ENVIRONMENTS.prod);
    const creator = Object.entries(resourcesOf(json, 'azurerm_role_assignment')).find(([, r]) => r.role_definition_name === 'Key Vault Crypto Officer');
    expect(creator?.[1]).toEqual({
      scope: refOf(stack.keyVault.resource, 'id'),
      role_definition_name: 'Key Vault Crypto Officer',
      principal_id: '${data.azurerm_client_config.Deployer.object_id}',
      principal_type: 'ServicePrincipal',
      skip_service_principal_aad_check: true,
    });
    const keys = Object.values(resourcesOf(json, 'azurerm_key_vault_key'));
    expect(keys.map((key) => key.name).sort()).toEqual(['cmk-dbfs-root', 'cmk-lake']);
    for (const key of keys) {
      expect(key).toEqual({
        name: key.name,
        key_vault_id: refOf(stack.keyVault.resource, 'id'),
        key_type: 'RSA-HSM',
        key_size: 3072,
        key_opts: ['unwrapKey', 'wrapKey'],
        rotation_policy: {
          automatic: { time_before_expiry: KEY_ROTATION.rotateBeforeExpiry },
          expire_after: 'P1Y',
          notify_before_expiry: 'P29D',
        },
        tags: expect.objectContaining({ environment: 'prod' }),
        depends_on: [`azurerm_role_assignment.${creator?.[0]}`],
      });
    }
    // AND the vault is premium, as HSM keys need
    expect(Object.values(resourcesOf(json, 'azurerm_key_vault'))[0].sku_name).toBe('premium');
    expect(problemsOf(stack)).toEqual([]);
  });

  test("prod: the lake's identity may use its key only, and the account reads it without a version", () => {
    const { stack, json } = platform(DEFAULT_ENVIRONMENTS.prod);
    const [lakeKeyId] = Object.entries(resourcesOf(json, 'azurerm_key_vault_key')).find(([, key]) => key.name === 'cmk-lake') ?? [];
    const users = Object.entries(resourcesOf(json, 'azurerm_role_assignment')).filter(
      ([, r]) => r.role_definition_name === 'Key Vault Crypto Service Encryption User',
    );
    const lakeUser = users.find(([, r]) => r.scope === `\${azurerm_key_vault_key.${lakeKeyId}.resource_versionless_id}`);
    expect(lakeUser?.[1].principal_id).toBe(refOf(stack.lake.resource, 'identity[0].principal_id'));
    expect(Object.values(resourcesOf(json, 'azurerm_storage_account_customer_managed_key'))).toEqual([
      {
        storage_account_id: refOf(stack.lake.resource, 'id'),
        key_vault_id: refOf(stack.keyVault.resource, 'id'),
        key_name: `\${azurerm_key_vault_key.${lakeKeyId}.name}`,
        depends_on: [`azurerm_role_assignment.${lakeUser?.[0]}`],
      },
    ]);
  });

  test("prod: the DBFS root is encrypted with its own key, which the workspace storage account's identity may use", () => {
    const { stack, json } = platform(DEFAULT_ENVIRONMENTS.prod);
    const workspace = Object.values(resourcesOf(json, 'azurerm_databricks_workspace'))[0];
    expect(workspace.customer_managed_key_enabled).toBe(true);
    const [dbfsKeyId] = Object.entries(resourcesOf(json, 'azurerm_key_vault_key')).find(([, key]) => key.name === 'cmk-dbfs-root') ?? [];
    const [userId, user] =
      Object.entries(resourcesOf(json, 'azurerm_role_assignment')).find(
        ([, r]) => r.scope === `\${azurerm_key_vault_key.${dbfsKeyId}.resource_versionless_id}`,
      ) ?? [];
    expect([user?.role_definition_name, user?.principal_id]).toEqual([
      'Key Vault Crypto Service Encryption User',
      refOf(stack.databricks.resource, 'storage_account_identity[0].principal_id'),
    ]);
    expect(Object.values(resourcesOf(json, 'azurerm_databricks_workspace_root_dbfs_customer_managed_key'))).toEqual([
      {
        workspace_id: refOf(stack.databricks.resource, 'id'),
        key_vault_key_id: `\${azurerm_key_vault_key.${dbfsKeyId}.id}`,
        depends_on: [`azurerm_role_assignment.${userId}`],
      },
    ]);
  });

  test('off (dev): no key, no key role, a standard vault and a workspace without customer-managed keys', () => {
    const { json } = platform(DEFAULT_ENVIRONMENTS.dev);
    expect(resourcesOf(json, 'azurerm_key_vault_key')).toEqual({});
    expect(resourcesOf(json, 'azurerm_storage_account_customer_managed_key')).toEqual({});
    expect(resourcesOf(json, 'azurerm_databricks_workspace_root_dbfs_customer_managed_key')).toEqual({});
    expect(Object.values(resourcesOf(json, 'azurerm_role_assignment')).map((r) => r.role_definition_name)).not.toContain('Key Vault Crypto Officer');
    expect(Object.values(resourcesOf(json, 'azurerm_key_vault'))[0].sku_name).toBe('standard');
    expect(Object.values(resourcesOf(json, 'azurerm_databricks_workspace'))[0].customer_managed_key_enabled).toBeUndefined();
  });
});
