// Policies as code (cdk-nag v2 style): exports only.
export * from './policy-aspect';
export * from './rule';
export * from './rules/databricks-job-permissions';
export * from './rules/databricks-job-run-as';
export * from './rules/databricks-no-public-ip';
export * from './rules/databricks-secret-scope-acl';
export * from './rules/eventhubs-least-privilege';
export * from './rules/eventhubs-local-auth';
export * from './rules/keyvault-purge-protection';
export * from './rules/keyvault-rbac';
export * from './rules/minimum-tls';
export * from './rules/prevent-destroy';
export * from './rules/public-network-access';
export * from './rules/storage-https-only';
export * from './rules/storage-no-public-blob';
export * from './ruleset';
export * from './suppressions';
