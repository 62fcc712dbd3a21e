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

/**
 * The backfill job's task: the `backfill` notebook replays a time range of the hub's Capture files into the
 * stream's tables, writing only the events they do not hold. It runs when someone starts it, with the job
 * parameters `from_time` and `to_time` (ISO 8601, UTC); `run_id` is the job run's id, which a repair run keeps,
 * so repairing a failed run finishes it.
 */
export const BACKFILL_TASK = { taskKey: 'backfill', notebook: 'backfill' } as const;

/** The backfill job's parameters, given when a run starts (pushed down to the notebook's widgets). */
export const BACKFILL_JOB_PARAMETERS = [
  { name: 'from_time', default: '' },
  { name: 'to_time', default: '' },
  { name: 'run_id', default: '{{job.run_id}}' },
] as const;

/** The `base_parameters` of the backfill task (medallion/jobs.py `run_backfill` reads them). */
export function backfillParameters(inputs: {
  readonly spec: string;
  readonly tables: TableLocation;
  readonly capture: { readonly url: string; readonly namespace: string; readonly nameFormat: string };
}): Record<string, string> {
  const parameters: Record<string, string> = { spec: inputs.spec, ...tableParameters(inputs.tables) };
  parameters.capture_url = inputs.capture.url;
  parameters.eventhubs_namespace = inputs.capture.namespace;
  parameters.capture_name_format = inputs.capture.nameFormat;
  return parameters;
}

/** How `jobMode` runs the pipeline: always on, or scheduled runs that drain what is new and stop. */
export type JobMode = 'continuous' | 'availableNow';
export const JOB_MODES: readonly JobMode[] = ['continuous', 'availableNow'];

/** Where a stream's tables are: Unity Catalog, or paths under a lake root. */
export type TableLocation = { readonly catalog: string } | { readonly lakeRoot: string };

/**
 * How a workspace reads Event Hubs with Entra ID:
 * - `serviceCredential`: a Unity Catalog service credential on the access connector (Databricks Runtime 16.1+),
 *   whose managed identity holds the Data Receiver role; no secret anywhere;
 * - `oauthClient`: Kafka OAUTHBEARER as an Entra application (workspaces without Unity Catalog); its client
 *   secret is read from the secret scope under `secretName`.
 */
export type EntraSource =
  | { readonly type: 'serviceCredential'; readonly name: string }
  | { readonly type: 'oauthClient'; readonly tenantId: string; readonly clientId: string; readonly secretName: string };

/** How one task authenticates: the stream's credential, with the workspace's Entra ID source where it needs one. */
export type SourceAuthParameters =
  | { readonly type: 'sas'; readonly secretName: string }
  | ({ readonly type: 'entra'; readonly namespace: string } & { readonly via: EntraSource });

export interface TaskParameterInputs {
  readonly mode: JobMode;
  /** The serialized spec. */
  readonly spec: string;
  readonly tables: TableLocation;
  /** The abfss URL of the lake's `checkpoints` container (the pipeline appends `<stream>/<query>`). */
  readonly checkpointRoot: string;
  readonly secretScope: string;
  readonly auth: SourceAuthParameters;
  /** The secret scope key of the URL anomaly alerts are posted to; none: they go to the driver log and the table only. */
  readonly webhookSecretKey?: string;
  /** The specs of the streams the spec's joins name, a JSON object by stream name. */
  readonly joinSpecs?: string;
}

/** The `base_parameters` of the pipeline task (read by the notebook with `dbutils.widgets.get`). */
export function taskParameters(inputs: TaskParameterInputs): Record<string, string> {
  const parameters: Record<string, string> = { spec: inputs.spec, ...tableParameters(inputs.tables) };
  parameters.checkpoint_root = inputs.checkpointRoot;
  parameters.secret_scope = inputs.secretScope;
  Object.assign(parameters, authParameters(inputs.auth));
  if (inputs.webhookSecretKey) parameters.webhook_secret_key = inputs.webhookSecretKey;
  if (inputs.joinSpecs !== undefined) parameters.join_specs = inputs.joinSpecs;
  // A continuous job keeps the spec's own trigger; a scheduled run drains what is new and stops.
  if (inputs.mode === 'availableNow') parameters.trigger = JSON.stringify({ type: 'availableNow' });
  return parameters;
}

/** Where the tables are: `catalog` or `lake_root` (medallion/tables.py `resolve_tables`). */
function tableParameters(tables: TableLocation): Record<string, string> {
  return 'catalog' in tables ? { catalog: tables.catalog } : { lake_root: tables.lakeRoot };
}

/** The notebook's `source_auth` parameters (medallion/jobs.py `source_credential` reads them). */
function authParameters(auth: SourceAuthParameters): Record<string, string> {
  if (auth.type === 'sas') return { secret_key: auth.secretName };
  const via = auth.via;
  if (via.type === 'serviceCredential') return { source_auth: 'service_credential', service_credential: via.name, eventhubs_namespace: auth.namespace };
  return {
    source_auth: 'oauth',
    secret_key: via.secretName,
    oauth_tenant_id: via.tenantId,
    oauth_client_id: via.clientId,
    eventhubs_namespace: auth.namespace,
  };
}
