// The default app's building blocks, for teams that compose their own app: exports only.
export * from './app';
export * from './backend';
export * from './config/defaults';
export * from './config/environment';
export * from './config/load';
export * from './platform-stack';
export * from './streams';
export * from './workspace-stack';
