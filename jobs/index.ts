// Typed Databricks job definitions: exports only.
export * from './job-definitions';
export * from './stream-job-input';
export * from './stream-jobs';
export * from './stream-joins';
