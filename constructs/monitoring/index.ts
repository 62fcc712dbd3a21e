export * from './alert-thresholds';
export * from './anomaly-alert';
export * from './diagnostic-categories';
export * from './log-analytics';
export * from './serving-warehouse';
export * from './stream-alerts';
export * from './stream-dashboard';
export * from './table-names';
