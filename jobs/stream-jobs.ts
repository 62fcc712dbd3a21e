import { Job, type JobConfig, type JobJobCluster, type JobTask } from '@cdktf/provider-databricks/lib/job';
import type { Permissions } from '@cdktf/provider-databricks/lib/permissions';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { EMAIL_RULE } from '../constructs/core/naming';
import { Problems } from '../constructs/core/problems';
import { notebookLibraries, type StreamingCompute, sourceCompatibilityProblems, sourceLibraries } from '../constructs/databricks/streaming-compute';
import { type JobAccess, jobGrants, permissionsOn, runAsOf } from '../constructs/databricks/workspace-access';
import type { StreamSpecV1 } from '../constructs/streams/stream-spec';
import {
  BACKFILL_JOB_PARAMETERS,
  BACKFILL_TASK,
  backfillParameters,
  type EntraSource,
  JOB_MODES,
  type JobMode,
  PIPELINE_TASK,
  type SourceAuthParameters,
  type TableLocation,
  taskParameters,
} from './job-definitions';
import { longestScheduleGapSeconds } from './schedule-gap';
import type { StreamJobInput } from './stream-job-input';
import { joinProblems, joinSpecsParameter, type StreamSpecLookup } from './stream-joins';

export const STREAM_NAME = { pattern: /^[a-z][a-z0-9-]{0,49}$/, rule: '1–50 lowercase letters, digits and hyphens, starting with a letter' } as const;
/** Seven-field (or six-field) Quartz cron: seconds minutes hours day-of-month month day-of-week [year]. */
const QUARTZ_CRON = /^\S+(\s+\S+){5,6}$/;

/** Where a stream's job finds everything outside itself. */
export interface StreamJobsEnvironment {
  readonly mode: JobMode;
  readonly compute: StreamingCompute;
  /** A notebook's workspace path and the digest of the code it runs (`WorkspaceNotebooks.notebookPath`, `codeVersion`). */
  readonly notebooks: { notebookPath(name: string): string; codeVersion(name: string): string };
  readonly tables: TableLocation;
  /** abfss URL of the lake's `checkpoints` container; the stream name is appended. */
  readonly checkpointsUrl: string;
  /** Name of the secret scope holding the connection strings. */
  readonly secretScope: string;
  /**
   * How a stream whose credential is `entra` reads Event Hubs.
   * @default undefined (an `entra` stream is a problem)
   */
  readonly entra?: EntraSource;
  /**
   * The secret scope key of the URL the pipeline posts anomaly alerts to (the alert relay's).
   * @default undefined (alerts go to their table and the driver log only)
   */
  readonly alertWebhookSecret?: string;
  /**
   * The specs of the environment's streams, for joins: the other stream's spec goes to the task, and synthesis
   * checks the pair. Called when the app is validated, once every stream is added.
   * @default undefined (a stream with joins is a problem)
   */
  readonly streams?: { readonly lookup: StreamSpecLookup; readonly names: () => readonly string[] };
  /**
   * `availableNow` mode: when runs start.
   * @default { quartzCronExpression: '0 0 * * * ?', timezoneId: 'UTC' } (hourly)
   */
  readonly schedule?: { readonly quartzCronExpression: string; readonly timezoneId: string };
  /** Failure and duration/backlog warnings. @default [] */
  readonly notificationEmails?: readonly string[];
  /** `availableNow`: retries of a failed task. @default 2 */
  readonly maxRetries?: number;
  /** `availableNow`: wait before a retry, in milliseconds. @default 60000 */
  readonly minRetryIntervalMillis?: number;
  /** `availableNow`: a task running longer than this is stopped (and retried). @default 3600 */
  readonly taskTimeoutSeconds?: number;
  /**
   * The health threshold in seconds: run duration (`availableNow`) or streaming backlog (`continuous`,
   * where a run never ends and a duration rule would always fire).
   * @default 1800 for run duration, 600 for backlog
   */
  readonly warningThresholdSeconds?: number;
  /** Tags on the job. @default {} */
  readonly tags?: Record<string, string>;
  /**
   * Who the job runs as, and the groups that manage and watch it (its `databricks_permissions`).
   * @default undefined (runs as the deployer; permissions as the workspace sets them)
   */
  readonly access?: JobAccess;
}

export interface StreamJobsProps extends StreamJobsEnvironment {
  readonly input: StreamJobInput;
}

/**
 * The `databricks_job` of one stream: one task running the `pipeline` notebook, which reads Event Hubs once per
 * micro-batch and writes bronze, silver, quarantine, gold, alerts and features in the same pass. So one job and
 * one job cluster per stream (or the shared all-purpose cluster): the source is read once and every layer runs
 * on the same cluster, instead of one query (and, in `continuous` mode, one job and one cluster) per layer.
 * Each table has exactly one writer, so the job never runs twice at once (`max_concurrent_runs = 1`).
 *
 * - `continuous`: `continuous { pause_status = "UNPAUSED" }` and `control_run_state` so that a redeploy
 *   restarts the pipeline on the new definition; a streaming backlog health rule.
 * - `availableNow`: a schedule, retries with backoff and a timeout; the task gets
 *   `trigger = {"type":"availableNow"}` and drains what is new, then stops.
 *
 * The task carries the notebook package's libraries and the source's library (it reads Event Hubs).
 *
 * @example
 * new StreamJobs(this, 'Stream-orders', {
 *   input, mode: 'continuous', compute, notebooks, tables: { catalog: 'stream_prod' },
 *   checkpointsUrl: lake.abfssUrl('checkpoints'), secretScope: 'stream-prod',
 * });
 */
export class StreamJobs extends Construct {
  /** The stream's job (escape hatch). */
  public readonly resource: Job;
  public readonly streamName: string;
  /** The stream's spec, as the task gets it. */
  public readonly spec: StreamSpecV1;
  /** The job's permissions, when `access` is given. */
  public readonly permissions?: Permissions;
  /** The stream's backfill job (from Capture), when the stream has capture. */
  public readonly backfill?: Job;

  public constructor(scope: Construct, id: string, props: StreamJobsProps) {
    super(scope, id);
    const { name, source } = props.input.spec;
    this.streamName = name;
    this.spec = props.input.spec;
    this.validate(Problems.of(this), props);

    props.compute.registerStream(source.partitions);
    const jobCluster = props.compute.mode === 'job' ? { jobClusterKey: 'stream', newCluster: props.compute.newCluster(source.partitions) } : undefined;
    this.resource = new Job(this, 'Job', {
      name: `${name}-pipeline`,
      // One writer per table: rows carry their batch id and each writer checks its table once when it starts,
      // so a second concurrent run of the stream's pipeline would break exactly-once.
      maxConcurrentRuns: 1,
      jobCluster: jobCluster ? [jobCluster] : undefined,
      task: [pipelineTask(props, jobCluster?.jobClusterKey)],
      // The code's digest: a redeploy that changes only the notebook or its package still changes (and so
      // restarts) the job.
      tags: { ...(props.tags ?? {}), stream: name, code_version: props.notebooks.codeVersion(PIPELINE_TASK.notebook) },
      runAs: runAsOf(props.access),
      ...(props.mode === 'continuous' ? continuousRun(props) : scheduledRun(props)),
    });
    if (props.access) this.permissions = permissionsOn(this, 'Permissions', { jobId: this.resource.id }, jobGrants(props.access));
    if (props.input.capture) this.backfill = this.backfillJob(props, props.input.capture, jobCluster);
    if (props.input.spec.joins?.length) this.node.addValidation({ validate: () => this.joinProblems(props) });
  }

  /**
   * Run by hand: replays a time range of Capture into the stream's tables (the `backfill` notebook), beside
   * the running pipeline; both write only what the tables do not hold. Its own cluster, like the pipeline's.
   */
  private backfillJob(props: StreamJobsProps, capture: NonNullable<StreamJobInput['capture']>, jobCluster: JobJobCluster | undefined): Job {
    const job = new Job(this, 'BackfillJob', {
      name: `${this.streamName}-backfill`,
      maxConcurrentRuns: 1,
      jobCluster: jobCluster ? [jobCluster] : undefined,
      parameter: BACKFILL_JOB_PARAMETERS.map((p) => ({ ...p })),
      task: [
        {
          taskKey: BACKFILL_TASK.taskKey,
          jobClusterKey: jobCluster?.jobClusterKey,
          existingClusterId: jobCluster ? undefined : props.compute.existingClusterId,
          notebookTask: {
            notebookPath: props.notebooks.notebookPath(BACKFILL_TASK.notebook),
            source: 'WORKSPACE',
            baseParameters: backfillParameters({ spec: JSON.stringify(props.input.spec), tables: props.tables, capture }),
          },
          library: notebookLibraries(),
        },
      ],
      tags: { ...(props.tags ?? {}), stream: this.streamName, code_version: props.notebooks.codeVersion(BACKFILL_TASK.notebook) },
      runAs: runAsOf(props.access),
    });
    if (props.access) permissionsOn(this, 'BackfillPermissions', { jobId: job.id }, jobGrants(props.access));
    return job;
  }

  /** The joins' other streams, checked once every stream of the environment is added. */
  private joinProblems(props: StreamJobsProps): string[] {
    const problems = new Problems();
    const streams = props.streams;
    if (streams === undefined) {
      problems.add(
        `streams.${this.streamName}.joins`,
        props.input.spec.joins?.map((j) => j.stream),
        "the environment's streams (StreamJobsEnvironment.streams)",
      );
    } else {
      for (const p of joinProblems(props.input.spec, streams.lookup, streams.names())) problems.add(p.field, p.value, p.allowed);
    }
    return problems.validate();
  }

  /**
   * What only the jobs know: the mode, the schedule, the runtime against the source. The stream's own fields
   * (name, partitions, consumer group, secret) are reported by the constructs that own them, the spec
   * validation and the event hub, key vault and namespace, so that each mistake is reported once.
   */
  private validate(problems: Problems, props: StreamJobsProps): void {
    const input = props.input;
    const at = `streams.${input.spec.name}`;
    problems.oneOf('mode', props.mode, JOB_MODES);
    for (const problem of sourceCompatibilityProblems(at, {
      source: input.spec.source.type,
      runtimeVersion: props.compute.runtimeVersion,
      dataSecurityMode: props.compute.dataSecurityMode,
      eventHubNamespaceTier: input.eventHubNamespaceTier,
      credential: input.credential.type === 'sas' ? 'sas' : (props.entra?.type ?? 'entra'),
    })) {
      problems.add(problem.field, problem.value, problem.allowed);
    }
    if (props.mode === 'availableNow') retentionProblems(problems, props);
    if (props.mode === 'availableNow' && props.schedule) {
      problems.matches(
        'schedule.quartzCronExpression',
        props.schedule.quartzCronExpression,
        QUARTZ_CRON,
        "a Quartz cron expression of 6 or 7 fields, such as '0 0 * * * ?'",
      );
      problems.matches('schedule.timezoneId', props.schedule.timezoneId, /^\S+$/, "a Java time zone id such as 'UTC' or 'Europe/Amsterdam'");
    }
    (props.notificationEmails ?? []).forEach((email, i) => {
      problems.matches(`notificationEmails[${i}]`, email, EMAIL_RULE.pattern, EMAIL_RULE.rule);
    });
    problems.integerInRange('maxRetries', props.maxRetries, 0, 10);
    problems.integerInRange('minRetryIntervalMillis', props.minRetryIntervalMillis, 0, 3600000);
    problems.integerInRange('taskTimeoutSeconds', props.taskTimeoutSeconds, 60, 172800);
    problems.integerInRange('warningThresholdSeconds', props.warningThresholdSeconds, 60, 172800);
  }
}

const DEFAULT_SCHEDULE = { quartzCronExpression: '0 0 * * * ?', timezoneId: 'UTC' };

function scheduleOf(props: StreamJobsProps): { quartzCronExpression: string; timezoneId: string } {
  return props.schedule ?? DEFAULT_SCHEDULE;
}

/** A scheduled run's retries and timeout, defaults applied. */
function retriesOf(props: StreamJobsProps): { maxRetries: number; minRetryIntervalMillis: number; timeoutSeconds: number } {
  return { maxRetries: props.maxRetries ?? 2, minRetryIntervalMillis: props.minRetryIntervalMillis ?? 60000, timeoutSeconds: props.taskTimeoutSeconds ?? 3600 };
}

/**
 * A scheduled (availableNow) stream reads what arrived since its last run: an event must still be in the
 * event hub when the next run that succeeds reads it, which is at most the schedule's longest gap plus every
 * retry's timeout and backoff later. Past the retention it is gone without a trace.
 */
function retentionProblems(problems: Problems, props: StreamJobsProps): void {
  const schedule = scheduleOf(props);
  const gap = longestScheduleGapSeconds(schedule.quartzCronExpression);
  const source = props.input.spec.source;
  if (gap === undefined || !Number.isInteger(source.retentionDays)) return;
  const { maxRetries, minRetryIntervalMillis, timeoutSeconds } = retriesOf(props);
  const retries = maxRetries * (timeoutSeconds + minRetryIntervalMillis / 1000);
  const retention = source.retentionDays * 86400;
  if (gap + retries <= retention) return;
  problems.add(
    'schedule.quartzCronExpression',
    schedule.quartzCronExpression,
    `a schedule whose longest gap (${hours(gap)}) plus ${maxRetries} retries of up to ${hours(timeoutSeconds + minRetryIntervalMillis / 1000)} each ` +
      `(${hours(gap + retries)} in all) fits in the retention of event hub '${source.eventHubName}' (${source.retentionDays} day(s) = ${hours(retention)}); ` +
      'otherwise events expire before a run reads them: run more often, retry less, or raise the retention',
  );
}

function hours(seconds: number): string {
  return `${Number((seconds / 3600).toFixed(2))} h`;
}

/** The one task: the `pipeline` notebook with the stream's parameters, on the job cluster or the shared one. */
function pipelineTask(props: StreamJobsProps, jobClusterKey: string | undefined): JobTask {
  const libraries = [...notebookLibraries(), ...sourceLibraries(props.input.spec.source.type)];
  return {
    taskKey: PIPELINE_TASK.taskKey,
    jobClusterKey,
    existingClusterId: jobClusterKey ? undefined : props.compute.existingClusterId,
    notebookTask: {
      notebookPath: props.notebooks.notebookPath(PIPELINE_TASK.notebook),
      source: 'WORKSPACE',
      baseParameters: taskParameters({
        mode: props.mode,
        spec: JSON.stringify(props.input.spec),
        tables: props.tables,
        // The pipeline adds `<stream>/<query>` itself (medallion/tables.py), one checkpoint per query.
        checkpointRoot: props.checkpointsUrl,
        secretScope: props.secretScope,
        auth: authOf(props),
        webhookSecretKey: props.alertWebhookSecret,
        joinSpecs: joinSpecsOf(props),
      }),
    },
    library: libraries.length > 0 ? libraries : undefined,
    ...(props.mode === 'availableNow' ? { ...retriesOf(props), retryOnTimeout: true } : {}),
  };
}

/** The `join_specs` parameter, resolved at synthesis, when every stream of the environment is known. */
function joinSpecsOf(props: StreamJobsProps): string | undefined {
  const { spec } = props.input;
  const streams = props.streams;
  if (!spec.joins?.length || streams === undefined) return undefined;
  return Lazy.stringValue({ produce: () => joinSpecsParameter(spec, streams.lookup) });
}

/** The stream's credential with the workspace's Entra ID source (a placeholder where none is given: reported). */
function authOf(props: StreamJobsProps): SourceAuthParameters {
  const credential = props.input.credential;
  if (credential.type === 'sas') return credential;
  return { ...credential, via: props.entra ?? { type: 'serviceCredential', name: 'missing' } };
}

/** A continuous job: restarted on redeploy, warned about when its streaming backlog grows. */
function continuousRun(props: StreamJobsProps): Partial<JobConfig> {
  const emails = [...(props.notificationEmails ?? [])];
  return {
    description: `Continuous pipeline of stream ${props.input.spec.name}: bronze, silver, quarantine, gold, alerts and features`,
    continuous: { pauseStatus: 'UNPAUSED' },
    controlRunState: true,
    emailNotifications: emails.length > 0 ? { onFailure: emails, onStreamingBacklogExceeded: emails, noAlertForSkippedRuns: true } : undefined,
    health: { rules: [{ metric: 'STREAMING_BACKLOG_SECONDS', op: 'GREATER_THAN', value: props.warningThresholdSeconds ?? 600 }] },
  };
}

/** A scheduled availableNow job: runs on the schedule, warned about when a run takes too long. */
function scheduledRun(props: StreamJobsProps): Partial<JobConfig> {
  const emails = [...(props.notificationEmails ?? [])];
  const schedule = scheduleOf(props);
  return {
    description: `Scheduled availableNow run of stream ${props.input.spec.name}: bronze, silver, quarantine, gold, alerts and features`,
    schedule: { quartzCronExpression: schedule.quartzCronExpression, timezoneId: schedule.timezoneId, pauseStatus: 'UNPAUSED' },
    emailNotifications: emails.length > 0 ? { onFailure: emails, onDurationWarningThresholdExceeded: emails, noAlertForSkippedRuns: true } : undefined,
    health: { rules: [{ metric: 'RUN_DURATION_SECONDS', op: 'GREATER_THAN', value: props.warningThresholdSeconds ?? 1800 }] },
  };
}
