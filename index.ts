// The package entry point: the constructs, the typed job definitions and the default app's stacks.
export * from './constructs';
export * from './jobs';
export * from './stacks';
