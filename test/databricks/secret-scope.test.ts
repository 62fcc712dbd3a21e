import { TerraformVariable } from 'cdktf';
import { AZURE_DATABRICKS_OBJECT_ID_VARIABLE, SecretScope, type SecretScopeProps } from '../../constructs/databricks/secret-scope';
import { SecretValue } from '../../constructs/keyvault/secret-value';
import { onlyResource, problemsOf, refOf, resourcesOf, synthJson } from '../helpers/synth';
import { databricksTestStack as testStack } from './helpers';

const vault = { id: 'vault-resource-id', vaultUri: 'https://kv-stream-dev-0001.vault.azure.net/' };

function scope(props: Partial<SecretScopeProps> = {}) {
  const stack = testStack();
  const construct = new SecretScope(stack, 'Scope', { name: 'stream-dev', keyVault: vault, ...props });
  return { stack, construct };
}

function sensitive(stack: ReturnType<typeof testStack>): SecretValue {
  return SecretValue.fromSensitiveVariable(new TerraformVariable(stack, 'connection', { type: 'string', sensitive: true }));
}

describe('SecretScope', () => {
  test('Key Vault-backed by default, reading the vault by resource id and DNS name', () => {
    // GIVEN / WHEN
    const { stack, construct } = scope({ azureDatabricksObjectId: 'object-id-of-azuredatabricks' });
    // THEN
    expect(onlyResource(synthJson(stack), 'databricks_secret_scope')).toEqual({
      name: 'stream-dev',
      keyvault_metadata: { resource_id: 'vault-resource-id', dns_name: 'https://kv-stream-dev-0001.vault.azure.net/' },
      depends_on: [`azurerm_role_assignment.${stack.getLogicalId(construct.vaultReadAccess as never)}`],
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('grants the AzureDatabricks application Key Vault Secrets User on the RBAC vault', () => {
    // GIVEN / WHEN
    const { stack } = scope({ azureDatabricksObjectId: 'object-id-of-azuredatabricks' });
    // THEN
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toEqual({
      scope: 'vault-resource-id',
      role_definition_name: 'Key Vault Secrets User',
      principal_id: 'object-id-of-azuredatabricks',
      principal_type: 'ServicePrincipal',
      skip_service_principal_aad_check: true,
    });
  });

  test('without a configured object id, asks for it through a variable without default', () => {
    // GIVEN / WHEN
    const { stack } = scope();
    // THEN
    const json = synthJson(stack) as ReturnType<typeof synthJson> & { variable?: Record<string, unknown> };
    expect(json.variable?.[AZURE_DATABRICKS_OBJECT_ID_VARIABLE]).toEqual({
      type: 'string',
      description:
        'Object id of the AzureDatabricks service principal in this tenant: az ad sp show --id 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --query id -o tsv',
    });
    expect(onlyResource(json, 'azurerm_role_assignment').principal_id).toBe(`\${var.${AZURE_DATABRICKS_OBJECT_ID_VARIABLE}}`);
  });

  test('a Key Vault-backed scope without a vault is refused', () => {
    // GIVEN / WHEN
    const { stack } = scope({ keyVault: undefined });
    // THEN
    expect(problemsOf(stack)).toEqual(["[test/Scope] keyVault = undefined is invalid; allowed: the vault ({ id, vaultUri }) behind a 'keyvault' scope"]);
  });

  test('an invalid scope name is refused', () => {
    // GIVEN / WHEN
    const { stack } = scope({ name: 'stream dev' });
    // THEN
    expect(problemsOf(stack)).toEqual(["[test/Scope] name = 'stream dev' is invalid; allowed: 1–128 letters, digits, dashes, underscores, @ and periods"]);
  });

  test('Databricks-backed: no vault, no role assignment, secrets stored from a reference', () => {
    // GIVEN
    const { stack, construct } = scope({ backend: 'databricks' });
    // WHEN
    construct.addSecret('orders-listen', sensitive(stack));
    // THEN
    const json = synthJson(stack);
    expect(onlyResource(json, 'databricks_secret_scope')).toEqual({ name: 'stream-dev' });
    expect(resourcesOf(json, 'azurerm_role_assignment')).toEqual({});
    expect(onlyResource(json, 'databricks_secret')).toEqual({
      scope: refOf(construct.resource, 'name'),
      key: 'orders-listen',
      string_value: `\${var.connection}`,
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('a secret added to a Key Vault-backed scope is refused (the scope is read-only)', () => {
    // GIVEN
    const { stack, construct } = scope({ azureDatabricksObjectId: 'object-id-of-azuredatabricks' });
    // WHEN
    construct.addSecret('orders-listen', sensitive(stack));
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Scope] secrets.orders-listen = 'keyvault' is invalid; allowed: a 'databricks' scope (a Key Vault-backed scope is read-only: add the secret to the vault)",
    ]);
  });

  test('a plain string value is refused and never synthesized', () => {
    // GIVEN
    const { stack, construct } = scope({ backend: 'databricks' });
    // WHEN
    construct.addSecret('orders-listen', 'not-a-reference' as never);
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Scope] secrets.orders-listen.value = '<a plain value>' is invalid; allowed: a SecretValue reference (SecretValue.fromAttribute or SecretValue.fromSensitiveVariable)",
    ]);
    expect(JSON.stringify(synthJson(stack))).not.toContain('not-a-reference');
  });

  test('an invalid secret key is refused', () => {
    // GIVEN
    const { stack, construct } = scope({ backend: 'databricks' });
    // WHEN
    construct.addSecret('orders listen', sensitive(stack));
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Scope] secrets.orders listen = 'orders listen' is invalid; allowed: 1–128 letters, digits, dashes, underscores and periods",
    ]);
  });
});
