import { Alert } from '@cdktf/provider-databricks/lib/alert';
import { Job } from '@cdktf/provider-databricks/lib/job';
import type { Permissions } from '@cdktf/provider-databricks/lib/permissions';
import { Query } from '@cdktf/provider-databricks/lib/query';
import { Construct } from 'constructs';
import { EMAIL_RULE } from '../core/naming';
import { Problems } from '../core/problems';
import { type JobAccess, jobGrants, permissionsOn, runAsOf } from '../databricks/workspace-access';
import { TABLE_NAME, WORKSPACE_FOLDER } from './table-names';

/** Anomaly severities, lowest first (the stream definition's `Severity`). */
export const ANOMALY_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AnomalySeverity = (typeof ANOMALY_SEVERITIES)[number];

/** How often the alert is evaluated, in minutes: each value divides an hour, so a run looks back exactly since the last one. */
export const ALERT_EVALUATION_MINUTES = [5, 10, 15, 20, 30, 60] as const;

export interface AnomalyAlertProps {
  /** The SQL warehouse that runs the query (`ServingWarehouse.id`). */
  readonly warehouseId: string;
  /** The stream's anomalies table (see `TABLE_NAME`). */
  readonly anomaliesTable: string;
  /** Shown as the query's, alert's and job's name. */
  readonly displayName: string;
  /** Workspace folder of the query and alert. */
  readonly parentPath: string;
  /** Anomalies of this severity and above count. @default 'warning' */
  readonly minSeverity?: AnomalySeverity;
  /** Minutes between evaluations, and the look-back of each. @default 15 */
  readonly evaluationMinutes?: number;
  /** The alert triggers when more anomalies than this were detected in the look-back (0 or more). @default 0 */
  readonly threshold?: number;
  /**
   * Workspace users notified when the alert triggers (the evaluating job's alert subscriptions).
   * @default [] (the alert's state is visible in the workspace; nobody is notified)
   */
  readonly subscribers?: readonly string[];
  /** @default 'UTC' */
  readonly timezoneId?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
  /**
   * Who the evaluating job runs as, and the groups that manage and watch it.
   * @default undefined (runs as the deployer; permissions as the workspace sets them)
   */
  readonly access?: JobAccess;
}

/** The SQL of the alert's query: anomalies detected in the last `minutes` at or above `minSeverity`. */
export function anomalyCountSql(table: string, minSeverity: AnomalySeverity, minutes: number): string {
  const severities = ANOMALY_SEVERITIES.slice(ANOMALY_SEVERITIES.indexOf(minSeverity));
  return [
    'SELECT count(*) AS anomalies',
    `FROM ${table}`,
    `WHERE detected_at >= current_timestamp() - INTERVAL ${minutes} MINUTES`,
    `  AND severity IN (${severities.map((s) => `'${s}'`).join(', ')})`,
  ].join('\n');
}

/** The Quartz cron expression of a run every `minutes` minutes (at second 0). */
export function everyMinutesCron(minutes: number): string {
  return minutes === 60 ? '0 0 * * * ?' : `0 0/${minutes} * * * ?`;
}

/**
 * An alert on a stream's anomalies table: a `databricks_query` counting recent anomalies, a
 * `databricks_alert` that triggers above a threshold, and a scheduled `databricks_job` whose SQL alert
 * task evaluates it and notifies the subscribers (the Alerts API has no schedule of its own).
 *
 * @example
 * new AnomalyAlert(this, 'Anomalies-telemetry', {
 *   warehouseId: warehouse.id, anomaliesTable: 'stream_prod.gold.iot_telemetry_alerts',
 *   displayName: 'telemetry anomalies', parentPath: '/Shared/streaming-platform/prod/monitoring', minSeverity: 'warning',
 * });
 */
export class AnomalyAlert extends Construct {
  public readonly query: Query;
  public readonly alert: Alert;
  public readonly job: Job;
  /** The permissions of the job, the query and the alert, when `access` is given. */
  public readonly permissions: Permissions[] = [];

  public constructor(scope: Construct, id: string, props: AnomalyAlertProps) {
    super(scope, id);
    const problems = Problems.of(this);
    const minSeverity = props.minSeverity ?? 'warning';
    const minutes = props.evaluationMinutes ?? 15;
    const threshold = props.threshold ?? 0;
    const subscribers = props.subscribers ?? [];
    problems.matches('anomaliesTable', props.anomaliesTable, TABLE_NAME.pattern, TABLE_NAME.rule);
    problems.matches('parentPath', props.parentPath, WORKSPACE_FOLDER.pattern, WORKSPACE_FOLDER.rule);
    problems.matches('displayName', props.displayName, /^\S.*$/, 'a non-empty name');
    problems.oneOf('minSeverity', minSeverity, ANOMALY_SEVERITIES);
    problems.oneOf('evaluationMinutes', minutes, ALERT_EVALUATION_MINUTES);
    if (!(Number.isFinite(threshold) && threshold >= 0)) {
      if (Number.isFinite(threshold)) problems.add('threshold', threshold, 'a number of anomalies, 0 or more');
      else problems.addConflict(`threshold = ${String(threshold)} is invalid; allowed: a number of anomalies, 0 or more`);
    }
    subscribers.forEach((email, i) => {
      problems.matches(`subscribers[${i}]`, email, EMAIL_RULE.pattern, `${EMAIL_RULE.rule}, of a workspace user`);
    });

    this.query = new Query(this, 'Query', {
      displayName: props.displayName,
      warehouseId: props.warehouseId,
      parentPath: props.parentPath,
      description: `Anomalies of severity ${minSeverity} or above detected in the last ${minutes} minutes`,
      queryText: anomalyCountSql(props.anomaliesTable, minSeverity, minutes),
      applyAutoLimit: false,
      runAsMode: 'OWNER',
    });
    this.alert = new Alert(this, 'Alert', {
      displayName: props.displayName,
      queryId: this.query.id,
      parentPath: props.parentPath,
      notifyOnOk: false,
      condition: {
        op: 'GREATER_THAN',
        operand: { column: { name: 'anomalies' } },
        threshold: { value: { doubleValue: threshold } },
        emptyResultState: 'UNKNOWN',
      },
    });
    this.job = new Job(this, 'Job', {
      name: props.displayName,
      description: `Evaluates the alert '${props.displayName}' every ${minutes} minutes`,
      maxConcurrentRuns: 1,
      schedule: { quartzCronExpression: everyMinutesCron(minutes), timezoneId: props.timezoneId ?? 'UTC', pauseStatus: 'UNPAUSED' },
      task: [
        {
          taskKey: 'evaluate',
          sqlTask: {
            warehouseId: props.warehouseId,
            alert: {
              alertId: this.alert.id,
              pauseSubscriptions: false,
              subscriptions: subscribers.length > 0 ? subscribers.map((userName) => ({ userName })) : undefined,
            },
          },
        },
      ],
      tags: props.tags,
      runAs: runAsOf(props.access),
    });
    if (props.access) {
      // The job runs as its principal, which evaluates the alert and so runs its query.
      this.permissions.push(
        permissionsOn(this, 'Permissions', { jobId: this.job.id }, jobGrants(props.access)),
        permissionsOn(this, 'QueryPermissions', { sqlQueryId: this.query.id }, jobGrants(props.access, 'CAN_RUN')),
        permissionsOn(this, 'AlertPermissions', { sqlAlertId: this.alert.id }, jobGrants(props.access, 'CAN_RUN')),
      );
    }
  }
}
