import { StreamingCompute, type StreamingComputeProps } from '../../constructs/databricks/streaming-compute';
import { StreamJobs, type StreamJobsEnvironment } from '../../jobs/stream-jobs';
import { problemsOf, resourcesOf, synthJson } from '../helpers/synth';
import { databricksTestStack, ordersSpec, type StreamOverrides, stream } from './helpers';

const CHECKPOINTS = 'abfss://checkpoints@ststreamdev0001.dfs.core.windows.net/';
const notebooks = { notebookPath: (name: string) => `/Shared/sp/dev/${name}`, codeVersion: (name: string) => `${name}-v1` };

function jobs(input: StreamOverrides = {}, env: Partial<StreamJobsEnvironment> = {}, computeProps: Partial<StreamingComputeProps> = {}) {
  const stack = databricksTestStack();
  const compute = new StreamingCompute(stack, 'Compute', { runtimeVersion: '15.4.x-scala2.12', nodeType: 'Standard_D4ds_v5', workers: 1, ...computeProps });
  const construct = new StreamJobs(stack, 'Orders', {
    input: stream(input),
    mode: 'availableNow',
    compute,
    notebooks,
    tables: { lakeRoot: 'abfss://gold@ststreamdev0001.dfs.core.windows.net/' },
    checkpointsUrl: CHECKPOINTS,
    secretScope: 'stream-dev',
    notificationEmails: ['data-platform@example.com'],
    ...env,
  });
  const bodies = () => Object.values(resourcesOf(synthJson(stack), 'databricks_job'));
  return { stack, compute, construct, bodies };
}

type Task = { task_key: string; library?: unknown[]; notebook_task: { base_parameters: Record<string, string> } };

const JSONSCHEMA = { pypi: { package: 'jsonschema==4.23.0' } };
const EVENTHUBS_SPARK = { maven: { coordinates: 'com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22' } };

/** The default stream's pipeline task on the job cluster; `parameters` are added to its base parameters. */
function pipelineTask(parameters: Record<string, string> = {}, spec = stream().spec) {
  return {
    task_key: 'pipeline',
    job_cluster_key: 'stream',
    notebook_task: {
      notebook_path: '/Shared/sp/dev/pipeline',
      source: 'WORKSPACE',
      base_parameters: {
        spec: JSON.stringify(spec),
        lake_root: 'abfss://gold@ststreamdev0001.dfs.core.windows.net/',
        checkpoint_root: CHECKPOINTS,
        secret_scope: 'stream-dev',
        secret_key: 'orders-listen',
        ...parameters,
      },
    },
    library: [JSONSCHEMA, EVENTHUBS_SPARK],
  };
}

describe('StreamJobs, availableNow', () => {
  test('one job per stream: scheduled, one run at a time, failure and duration notifications, a run duration health rule', () => {
    // GIVEN / WHEN
    const { bodies } = jobs();
    // THEN
    const [job] = bodies();
    expect(bodies()).toHaveLength(1);
    expect({ ...job, task: undefined, job_cluster: undefined }).toEqual({
      name: 'orders-pipeline',
      description: 'Scheduled availableNow run of stream orders: bronze, silver, quarantine, gold, alerts and features',
      max_concurrent_runs: 1,
      schedule: { quartz_cron_expression: '0 0 * * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' },
      email_notifications: {
        on_failure: ['data-platform@example.com'],
        on_duration_warning_threshold_exceeded: ['data-platform@example.com'],
        no_alert_for_skipped_runs: true,
      },
      health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 1800 }] },
      tags: { stream: 'orders', code_version: 'pipeline-v1' },
      task: undefined,
      job_cluster: undefined,
    });
    expect(job.continuous).toBeUndefined();
  });

  test('one task, the pipeline: notebook, parameters with the secret and availableNow trigger, the eventhubs library, retries with backoff and a timeout', () => {
    // GIVEN / WHEN
    const [job] = jobs().bodies();
    // THEN
    expect(job.task).toEqual([
      {
        ...pipelineTask({ trigger: '{"type":"availableNow"}' }),
        max_retries: 2,
        min_retry_interval_millis: 60000,
        retry_on_timeout: true,
        timeout_seconds: 3600,
      },
    ]);
  });

  test('schedule, retries, timeout, duration threshold and tags come from the props', () => {
    // GIVEN / WHEN
    const [job] = jobs(
      {},
      {
        schedule: { quartzCronExpression: '0 30 2 * * ?', timezoneId: 'Europe/Amsterdam' },
        maxRetries: 0,
        minRetryIntervalMillis: 1000,
        taskTimeoutSeconds: 600,
        warningThresholdSeconds: 900,
        tags: { environment: 'dev' },
      },
    ).bodies();
    // THEN
    const [task] = job.task as Record<string, unknown>[];
    expect([job.schedule, job.health, job.tags, task.max_retries, task.min_retry_interval_millis, task.timeout_seconds]).toEqual([
      { quartz_cron_expression: '0 30 2 * * ?', timezone_id: 'Europe/Amsterdam', pause_status: 'UNPAUSED' },
      { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: 900 }] },
      { environment: 'dev', stream: 'orders', code_version: 'pipeline-v1' },
      0,
      1000,
      600,
    ]);
  });

  test('the kafka source needs no library beyond the notebook package one', () => {
    // GIVEN / WHEN
    const [job] = jobs({ source: 'kafka' }).bodies();
    // THEN
    expect((job.task as Task[]).map((task) => task.library)).toEqual([[JSONSCHEMA]]);
  });

  test('with Unity Catalog the task gets the catalog instead of a lake root', () => {
    // GIVEN / WHEN
    const [job] = jobs({}, { tables: { catalog: 'stream_dev' } }).bodies();
    // THEN
    const parameters = (job.task as Task[])[0].notebook_task.base_parameters;
    expect([parameters.catalog, parameters.lake_root]).toEqual(['stream_dev', undefined]);
  });

  test('the spec is serialized with its keys in the order given', () => {
    // GIVEN
    const spec = ordersSpec();
    // WHEN
    const [job] = jobs({ spec }).bodies();
    // THEN the parameter is the spec's JSON text, key order kept
    const parameter = (job.task as Task[])[0].notebook_task.base_parameters.spec;
    expect(parameter).toBe(JSON.stringify(spec));
    expect(Object.keys(JSON.parse(parameter))).toEqual(Object.keys(spec));
  });

  test('a job cluster of its own: the compute spec, sized with the stream partitions', () => {
    // GIVEN / WHEN
    const [job] = jobs({ partitions: 16 }).bodies();
    // THEN
    const clusters = job.job_cluster as { job_cluster_key: string; new_cluster: { spark_conf: Record<string, string>; data_security_mode: string } }[];
    expect(clusters.map((c) => [c.job_cluster_key, c.new_cluster.spark_conf['spark.sql.shuffle.partitions'], c.new_cluster.data_security_mode])).toEqual([
      ['stream', '16', 'SINGLE_USER'],
    ]);
  });

  test('all-purpose compute: the task runs on the existing cluster, and there is no job cluster', () => {
    // GIVEN / WHEN
    const { stack, compute, bodies } = jobs({}, {}, { mode: 'all-purpose', singleUserName: 'deployer@example.com' });
    // THEN
    const [job] = bodies();
    const cluster = `\${databricks_cluster.${stack.getLogicalId(compute.cluster as never)}.id}`;
    const tasks = job.task as { job_cluster_key?: string; existing_cluster_id?: string }[];
    expect([job.job_cluster, tasks.map((task) => [task.job_cluster_key, task.existing_cluster_id])]).toEqual([undefined, [[undefined, cluster]]]);
  });

  test('the escape hatch is the one job', () => {
    // GIVEN / WHEN
    const { stack, construct, bodies } = jobs();
    // THEN
    expect(Object.keys(synthJson(stack).resource?.databricks_job ?? {})).toEqual([stack.getLogicalId(construct.resource)]);
    expect(bodies().map((job) => job.name)).toEqual([construct.resource.nameInput]);
  });
});

const CAPTURE = {
  url: 'abfss://capture@ststreamdev0001.dfs.core.windows.net/',
  namespace: 'evhns-sp-dev',
  nameFormat: '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}',
};

describe('StreamJobs, backfill from Capture', () => {
  test('a stream with capture gets a second job, run by hand: the backfill notebook, the capture location, from/to/run id as job parameters', () => {
    // GIVEN / WHEN
    const { construct, bodies } = jobs({ capture: CAPTURE });
    // THEN
    const backfill = bodies().find((job) => job.name === 'orders-backfill');
    expect({ ...backfill, job_cluster: undefined }).toEqual({
      name: 'orders-backfill',
      max_concurrent_runs: 1,
      parameter: [
        { name: 'from_time', default: '' },
        { name: 'to_time', default: '' },
        { name: 'run_id', default: '{{job.run_id}}' },
      ],
      task: [
        {
          task_key: 'backfill',
          job_cluster_key: 'stream',
          notebook_task: {
            notebook_path: '/Shared/sp/dev/backfill',
            source: 'WORKSPACE',
            base_parameters: {
              spec: JSON.stringify(stream().spec),
              lake_root: 'abfss://gold@ststreamdev0001.dfs.core.windows.net/',
              capture_url: CAPTURE.url,
              eventhubs_namespace: 'evhns-sp-dev',
              capture_name_format: CAPTURE.nameFormat,
            },
          },
          library: [JSONSCHEMA],
        },
      ],
      tags: { stream: 'orders', code_version: 'backfill-v1' },
      job_cluster: undefined,
    });
    // The same cluster definition as the pipeline's; no schedule, no trigger, no continuous run.
    const pipeline = bodies().find((job) => job.name === 'orders-pipeline');
    expect(backfill?.job_cluster).toEqual(pipeline?.job_cluster);
    expect(construct.backfill?.nameInput).toBe('orders-backfill');
  });

  test('without capture there is no backfill job', () => {
    // GIVEN / WHEN
    const { construct, bodies } = jobs();
    // THEN
    expect([bodies().map((job) => job.name), construct.backfill]).toEqual([['orders-pipeline'], undefined]);
  });
});

describe('StreamJobs, continuous', () => {
  test('one job per stream, continuous and unpaused, restarted on redeploy, one run at a time, no schedule', () => {
    // GIVEN / WHEN
    const { bodies } = jobs({}, { mode: 'continuous' });
    // THEN
    expect(bodies().map((job) => [job.name, job.description, job.continuous, job.control_run_state, job.max_concurrent_runs, job.schedule, job.tags])).toEqual([
      [
        'orders-pipeline',
        'Continuous pipeline of stream orders: bronze, silver, quarantine, gold, alerts and features',
        { pause_status: 'UNPAUSED' },
        true,
        1,
        undefined,
        { stream: 'orders', code_version: 'pipeline-v1' },
      ],
    ]);
  });

  test('one task, the pipeline, on the job cluster: no retries, timeout or trigger parameter', () => {
    // GIVEN / WHEN
    const [job] = jobs({ partitions: 8 }, { mode: 'continuous' }).bodies();
    // THEN
    expect(job.task).toEqual([pipelineTask({}, stream({ partitions: 8 }).spec)]);
    const clusters = job.job_cluster as { job_cluster_key: string; new_cluster: { spark_conf: Record<string, string> } }[];
    expect(clusters.map((c) => [c.job_cluster_key, c.new_cluster.spark_conf['spark.sql.shuffle.partitions']])).toEqual([['stream', '8']]);
  });

  test('continuous jobs warn on streaming backlog, since a run never ends', () => {
    // GIVEN / WHEN
    const [job] = jobs({}, { mode: 'continuous' }).bodies();
    // THEN
    expect([job.health, job.email_notifications]).toEqual([
      { rules: [{ metric: 'STREAMING_BACKLOG_SECONDS', op: 'GREATER_THAN', value: 600 }] },
      { on_failure: ['data-platform@example.com'], on_streaming_backlog_exceeded: ['data-platform@example.com'], no_alert_for_skipped_runs: true },
    ]);
  });

  test('without notification emails there are no email notifications; the backlog threshold comes from the props', () => {
    // GIVEN / WHEN
    const [job] = jobs({}, { mode: 'continuous', notificationEmails: [], warningThresholdSeconds: 120 }).bodies();
    // THEN
    expect([job.health, job.email_notifications]).toEqual([{ rules: [{ metric: 'STREAMING_BACKLOG_SECONDS', op: 'GREATER_THAN', value: 120 }] }, undefined]);
  });
});

describe('StreamJobs validation', () => {
  test('a valid stream has no problems', () => {
    expect(problemsOf(jobs().stack)).toEqual([]);
  });

  test("the stream's own fields are left to the constructs that own them (each mistake is reported once)", () => {
    // GIVEN partitions beyond the tier, a secret name Key Vault cannot hold and a consumer group Basic does not
    // allow: the event hub, the key vault and the spec validation report these
    const { stack } = jobs({ partitions: 33, credential: { type: 'sas', secretName: 'orders_listen' }, eventHubNamespaceTier: 'Basic' });
    // THEN the jobs report none of them again
    expect(problemsOf(stack)).toEqual([]);
  });

  test('eventhubs on a Scala 2.13 runtime and a shared cluster is refused, both problems at once', () => {
    // GIVEN / WHEN
    const { stack } = jobs({}, {}, { runtimeVersion: '17.3.x-scala2.13', dataSecurityMode: 'USER_ISOLATION' });
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Orders] runtimeVersion = '17.3.x-scala2.13' is invalid; allowed: a *-scala2.12 runtime at or below 16.4 for source 'eventhubs' of streams.orders (com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22 is Scala 2.12 only), such as 15.4.x-scala2.12 or 16.4.x-scala2.12; or use source 'kafka'",
      "[test/Orders] dataSecurityMode = 'USER_ISOLATION' is invalid; allowed: 'SINGLE_USER' for source 'eventhubs' of streams.orders (standard access mode forbids EventHubsUtils.encrypt); or use source 'kafka'",
    ]);
  });

  test('kafka on a Basic namespace is refused', () => {
    // GIVEN / WHEN
    const { stack } = jobs({ source: 'kafka', eventHubNamespaceTier: 'Basic' });
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Orders] streams.orders.eventHubNamespaceTier = 'Basic' is invalid; allowed: 'Standard' or 'Premium' for source 'kafka' (Basic has no Kafka endpoint); or use source 'eventhubs'",
    ]);
  });

  test('a malformed schedule, time zone and email are refused', () => {
    // GIVEN / WHEN
    const { stack } = jobs({}, { schedule: { quartzCronExpression: '0 * *', timezoneId: 'Central European' }, notificationEmails: ['ops'] });
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Orders] schedule.quartzCronExpression = '0 * *' is invalid; allowed: a Quartz cron expression of 6 or 7 fields, such as '0 0 * * * ?'",
      "[test/Orders] schedule.timezoneId = 'Central European' is invalid; allowed: a Java time zone id such as 'UTC' or 'Europe/Amsterdam'",
      "[test/Orders] notificationEmails[0] = 'ops' is invalid; allowed: an e-mail address such as ops@example.com",
    ]);
  });

  test('retry and timeout settings out of range are refused', () => {
    // GIVEN / WHEN
    const { stack } = jobs({}, { maxRetries: 11, minRetryIntervalMillis: -1, taskTimeoutSeconds: 10, warningThresholdSeconds: 0 });
    // THEN
    expect(problemsOf(stack)).toEqual([
      '[test/Orders] maxRetries = 11 is invalid; allowed: an integer from 0 to 10',
      '[test/Orders] minRetryIntervalMillis = -1 is invalid; allowed: an integer from 0 to 3600000',
      '[test/Orders] taskTimeoutSeconds = 10 is invalid; allowed: an integer from 60 to 172800',
      '[test/Orders] warningThresholdSeconds = 0 is invalid; allowed: an integer from 60 to 172800',
    ]);
  });
});
