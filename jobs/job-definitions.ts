/** The queries of a stream, one notebook each. */
export const LAYERS = ['bronze', 'silver', 'gold', 'anomalies', 'features'] as const;
export type Layer = (typeof LAYERS)[number];

/** How `jobMode` runs the queries: always on, or scheduled runs that drain what is new and stop. */
export type JobMode = 'continuous' | 'availableNow';
export const JOB_MODES: readonly JobMode[] = ['continuous', 'availableNow'];

export interface LayerDefinition {
  readonly layer: Layer;
  /** Notebook file name (without `.py`) in the notebooks folder. */
  readonly notebook: string;
  /** Layers whose tables this one reads: task dependencies in `availableNow` mode. */
  readonly dependsOn: readonly Layer[];
  /** Whether the query reads Event Hubs (it then needs the secret and the source's library). */
  readonly readsSource: boolean;
}

/** bronze → silver → gold, anomalies, features. */
export const LAYER_DEFINITIONS: readonly LayerDefinition[] = [
  { layer: 'bronze', notebook: 'bronze', dependsOn: [], readsSource: true },
  { layer: 'silver', notebook: 'silver', dependsOn: ['bronze'], readsSource: false },
  { layer: 'gold', notebook: 'gold', dependsOn: ['silver'], readsSource: false },
  { layer: 'anomalies', notebook: 'anomalies', dependsOn: ['silver'], readsSource: false },
  { layer: 'features', notebook: 'features', dependsOn: ['silver'], readsSource: false },
];

/** Where a stream's tables are: Unity Catalog, or paths under a lake root. */
export type TableLocation = { readonly catalog: string } | { readonly lakeRoot: string };

export interface TaskParameterInputs {
  readonly layer: LayerDefinition;
  readonly mode: JobMode;
  /** The serialized spec. */
  readonly spec: string;
  readonly tables: TableLocation;
  /** The stream's checkpoint root (`abfss://checkpoints@<account>.dfs.core.windows.net/<stream>`). */
  readonly checkpointRoot: string;
  readonly secretScope: string;
  readonly secretKey: string;
}

/** The `base_parameters` of one task (read by the notebooks with `dbutils.widgets.get`). */
export function taskParameters(inputs: TaskParameterInputs): Record<string, string> {
  const parameters: Record<string, string> = { spec: inputs.spec };
  if ('catalog' in inputs.tables) parameters.catalog = inputs.tables.catalog;
  else parameters.lake_root = inputs.tables.lakeRoot;
  parameters.checkpoint_root = inputs.checkpointRoot;
  parameters.secret_scope = inputs.secretScope;
  if (inputs.layer.readsSource) parameters.secret_key = inputs.secretKey;
  // A continuous job keeps the spec's own trigger; a scheduled run drains what is new and stops.
  if (inputs.mode === 'availableNow') parameters.trigger = JSON.stringify({ type: 'availableNow' });
  return parameters;
}
