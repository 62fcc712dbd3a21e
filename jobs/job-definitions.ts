/**
 * The one task of a stream's job: the `pipeline` notebook reads the source once per micro-batch and, in one
 * foreachBatch, writes bronze, silver and quarantine, closes gold windows, runs the anomaly rules and merges
 * the features (session windows run beside it, on the same cluster).
 */
export const PIPELINE_TASK = {
  /** The task key. */
  taskKey: 'pipeline',
  /** Notebook file name (without `.py`) in the notebooks folder. */
  notebook: 'pipeline',
} as const;

/** How `jobMode` runs the pipeline: always on, or scheduled runs that drain what is new and stop. */
export type JobMode = 'continuous' | 'availableNow';
export const JOB_MODES: readonly JobMode[] = ['continuous', 'availableNow'];

/** Where a stream's tables are: Unity Catalog, or paths under a lake root. */
export type TableLocation = { readonly catalog: string } | { readonly lakeRoot: string };

export interface TaskParameterInputs {
  readonly mode: JobMode;
  /** The serialized spec. */
  readonly spec: string;
  readonly tables: TableLocation;
  /** The abfss URL of the lake's `checkpoints` container (the pipeline appends `<stream>/<query>`). */
  readonly checkpointRoot: string;
  readonly secretScope: string;
  /** The secret scope key of the Event Hubs listen connection string. */
  readonly secretKey: string;
}

/** The `base_parameters` of the pipeline task (read by the notebook with `dbutils.widgets.get`). */
export function taskParameters(inputs: TaskParameterInputs): Record<string, string> {
  const parameters: Record<string, string> = { spec: inputs.spec };
  if ('catalog' in inputs.tables) parameters.catalog = inputs.tables.catalog;
  else parameters.lake_root = inputs.tables.lakeRoot;
  parameters.checkpoint_root = inputs.checkpointRoot;
  parameters.secret_scope = inputs.secretScope;
  parameters.secret_key = inputs.secretKey;
  // A continuous job keeps the spec's own trigger; a scheduled run drains what is new and stops.
  if (inputs.mode === 'availableNow') parameters.trigger = JSON.stringify({ type: 'availableNow' });
  return parameters;
}
