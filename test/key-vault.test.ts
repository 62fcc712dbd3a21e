import { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import { TerraformVariable } from 'cdktf';
import { KeyVault, type KeyVaultProps } from '../constructs/keyvault/key-vault';
import { SecretValue } from '../constructs/keyvault/secret-value';
import { onlyResource, problemsOf, refOf, synthJson, testStack } from './helpers/synth';

function vault(props: Partial<KeyVaultProps> = {}) {
  const stack = testStack();
  const construct = new KeyVault(stack, 'Vault', {
    name: 'kv-stream-dev-1a2b',
    resourceGroupName: 'rg',
    location: 'westeurope',
    tenantId: 'tenant-id',
    ...props,
  });
  const rule = new EventhubAuthorizationRule(stack, 'Rule', {
    name: 'listen',
    eventhubName: 'evh',
    namespaceName: 'ns',
    resourceGroupName: 'rg',
    listen: true,
  });
  return { stack, construct, rule };
}

describe('KeyVault', () => {
  test('secure defaults: RBAC, purge protection, 90 days soft delete, private, deny by default with the Azure services bypass', () => {
    const { stack } = vault();
    expect(onlyResource(synthJson(stack), 'azurerm_key_vault')).toEqual({
      name: 'kv-stream-dev-1a2b',
      resource_group_name: 'rg',
      location: 'westeurope',
      tenant_id: 'tenant-id',
      sku_name: 'standard',
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      public_network_access_enabled: false,
      network_acls: { default_action: 'Deny', bypass: 'AzureServices', ip_rules: [], virtual_network_subnet_ids: [] },
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('a secret from a resource attribute synthesizes as a reference, never a value', () => {
    const { stack, construct, rule } = vault();
    construct.addSecret({ name: 'evh-iot-listen', value: SecretValue.fromAttribute(rule, 'primary_connection_string') });
    expect(onlyResource(synthJson(stack), 'azurerm_key_vault_secret')).toEqual({
      name: 'evh-iot-listen',
      key_vault_id: refOf(construct.resource, 'id'),
      value: refOf(rule, 'primary_connection_string'),
    });
  });

  test('secrets wait for the deployer role assignment, including secrets added before it', () => {
    const { stack, construct, rule } = vault();
    const value = SecretValue.fromAttribute(rule, 'primary_connection_string');
    construct.addSecret({ name: 'before', value });
    const officer = construct.grantSecretsWrite({ principalId: 'deployer-object-id' });
    construct.addSecretDependency(officer);
    construct.addSecret({ name: 'after', value });
    const json = synthJson(stack);
    for (const secret of Object.values(json.resource?.azurerm_key_vault_secret ?? {})) {
      expect(secret.depends_on).toEqual([`azurerm_role_assignment.${stack.getLogicalId(officer)}`]);
    }
  });

  test('a sensitive variable is accepted; a non-sensitive one is refused', () => {
    const stack = testStack();
    const secretVariable = new TerraformVariable(stack, 'producer_key', { type: 'string', sensitive: true });
    const plainVariable = new TerraformVariable(stack, 'plain', { type: 'string' });
    expect(SecretValue.fromSensitiveVariable(secretVariable).source).toBe('var.producer_key');
    expect(() => SecretValue.fromSensitiveVariable(plainVariable)).toThrow(
      "SecretValue.fromSensitiveVariable: variable 'test/plain' must be declared with sensitive: true",
    );
  });

  test('a plain string in place of a SecretValue is reported and not written', () => {
    const { stack, construct } = vault();
    construct.addSecret({ name: 'leak', value: 'Endpoint=sb://example/;SharedAccessKey=not-a-key' as never });
    expect(problemsOf(stack)).toEqual([
      "[test/Vault] secrets.leak.value = '<a plain value>' is invalid; allowed: a SecretValue reference (SecretValue.fromAttribute or SecretValue.fromSensitiveVariable)",
    ]);
    expect(JSON.stringify(synthJson(stack))).not.toContain('SharedAccessKey');
  });

  test('name, soft delete days, duplicate secret names and a bad secret name are all reported', () => {
    const { stack, construct, rule } = vault({ name: 'kv--too-long-name-for-a-vault', softDeleteDays: 5 });
    const value = SecretValue.fromAttribute(rule, 'primary_connection_string');
    construct.addSecret({ name: 'conn', value });
    construct.addSecret({ name: 'conn', value });
    construct.addSecret({ name: 'bad_name', value });
    expect(problemsOf(stack)).toEqual([
      "[test/Vault] name = 'kv--too-long-name-for-a-vault' is invalid; allowed: 3–24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no consecutive hyphens",
      '[test/Vault] softDeleteDays = 5 is invalid; allowed: an integer from 7 to 90',
      "[test/Vault] secrets.conn = 'conn' is invalid; allowed: a secret name not used before in this vault",
      "[test/Vault] secrets.bad_name.name = 'bad_name' is invalid; allowed: 1–127 letters, digits and hyphens",
    ]);
  });

  test('grantSecretsRead gives "Key Vault Secrets User" on the vault', () => {
    const { stack, construct } = vault();
    construct.grantSecretsRead({ principalId: 'databricks-sp' });
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toEqual({
      scope: refOf(construct.resource, 'id'),
      role_definition_name: 'Key Vault Secrets User',
      principal_id: 'databricks-sp',
      principal_type: 'ServicePrincipal',
      skip_service_principal_aad_check: true,
    });
  });
});
