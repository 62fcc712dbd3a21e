// The package's public surface: exports only.
export * from './core/grants';
export * from './core/naming';
export * from './core/problems';
export * from './core/synthesis';
export * from './core/tags';
export * from './eventhubs/event-hub';
export * from './eventhubs/eventhub-namespace';
export * from './eventhubs/tier-limits';
export * from './keyvault/key-vault';
export * from './keyvault/secret-value';
export * from './network/private-endpoint';
export * from './network/private-network';
export * from './patterns/medallion-pipeline';
export * from './storage/lake-storage';
export * from './streams';
