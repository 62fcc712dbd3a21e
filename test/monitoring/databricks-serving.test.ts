import { AnomalyAlert, type AnomalyAlertProps, anomalyCountSql, everyMinutesCron } from '../../constructs/monitoring/anomaly-alert';
import { ServingWarehouse, type ServingWarehouseProps } from '../../constructs/monitoring/serving-warehouse';
import { StreamDashboard, type StreamDashboardProps, streamDashboardJson } from '../../constructs/monitoring/stream-dashboard';
import { databricksTestStack, resolveIn } from '../databricks/helpers';
import { onlyResource, problemsOf, refOf, synthJson } from '../helpers/synth';

const ANOMALIES = 'stream_dev.gold.orders_alerts';
const GOLD = 'stream_dev.gold.orders_1m';
const FOLDER = '/Shared/stream/dev/monitoring';

function warehouse(props: Partial<ServingWarehouseProps> = {}) {
  const stack = databricksTestStack();
  return { stack, warehouse: new ServingWarehouse(stack, 'Warehouse', { name: 'stream-dev-bi', ...props }) };
}

function anomalyAlert(props: Partial<AnomalyAlertProps> = {}) {
  const stack = databricksTestStack();
  const alert = new AnomalyAlert(stack, 'Anomalies', {
    warehouseId: 'warehouse-id',
    anomaliesTable: ANOMALIES,
    displayName: 'orders anomalies',
    parentPath: FOLDER,
    ...props,
  });
  return { stack, alert };
}

function dashboard(props: Partial<StreamDashboardProps> = {}) {
  const stack = databricksTestStack();
  new StreamDashboard(stack, 'Dashboard', {
    warehouseId: 'warehouse-id',
    displayName: 'orders',
    parentPath: FOLDER,
    goldTable: GOLD,
    anomaliesTable: ANOMALIES,
    ...props,
  });
  return stack;
}

describe('ServingWarehouse', () => {
  test('GIVEN defaults WHEN synthesized THEN a serverless PRO 2X-Small warehouse stops after 10 idle minutes', () => {
    const { stack } = warehouse();
    expect(onlyResource(synthJson(stack), 'databricks_sql_endpoint')).toEqual({
      name: 'stream-dev-bi',
      cluster_size: '2X-Small',
      warehouse_type: 'PRO',
      enable_serverless_compute: true,
      enable_photon: true,
      auto_stop_mins: 10,
      min_num_clusters: 1,
      max_num_clusters: 1,
      channel: { name: 'CHANNEL_NAME_CURRENT' },
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('GIVEN a classic warehouse with tags and scale-out WHEN synthesized THEN they are set', () => {
    const { stack } = warehouse({ serverless: false, clusterSize: 'Small', autoStopMinutes: 30, maxClusters: 4, tags: { environment: 'dev' } });
    const body = onlyResource(synthJson(stack), 'databricks_sql_endpoint');
    expect([body.enable_serverless_compute, body.cluster_size, body.auto_stop_mins, body.max_num_clusters, body.tags]).toEqual([
      false,
      'Small',
      30,
      4,
      { custom_tags: [{ key: 'environment', value: 'dev' }] },
    ]);
  });

  test('GIVEN the warehouse WHEN its Power BI settings are read THEN they are the ODBC host name and path', () => {
    const { stack, warehouse: created } = warehouse();
    expect([resolveIn(stack, created.serverHostname), resolveIn(stack, created.httpPath)]).toEqual([
      `\${${refOf(created.resource, 'odbc_params').slice(2, -1)}[0].hostname}`,
      `\${${refOf(created.resource, 'odbc_params').slice(2, -1)}[0].path}`,
    ]);
  });

  test('GIVEN a size Databricks does not offer WHEN validated THEN the sizes are listed', () => {
    const { stack } = warehouse({ clusterSize: 'Tiny' as never });
    expect(problemsOf(stack)).toEqual([
      "[test/Warehouse] clusterSize = 'Tiny' is invalid; allowed: one of '2X-Small', 'X-Small', 'Small', 'Medium', 'Large', 'X-Large', '2X-Large', '3X-Large', '4X-Large'",
    ]);
  });

  test('GIVEN auto stop 0 on serverless WHEN validated THEN never stopping is refused', () => {
    const { stack } = warehouse({ autoStopMinutes: 0 });
    expect(problemsOf(stack)).toEqual([
      '[test/Warehouse] autoStopMinutes = 0 is invalid; allowed: an integer from 1 to 10080 for a serverless warehouse (0, never stop, is refused)',
    ]);
  });

  test('GIVEN auto stop 5 on a classic warehouse WHEN validated THEN at least 10 is required', () => {
    const { stack } = warehouse({ serverless: false, autoStopMinutes: 5 });
    expect(problemsOf(stack)).toEqual([
      '[test/Warehouse] autoStopMinutes = 5 is invalid; allowed: an integer from 10 to 10080 for a classic warehouse (0, never stop, is refused)',
    ]);
  });

  test('GIVEN max clusters below min clusters WHEN validated THEN at least min clusters is required', () => {
    const { stack } = warehouse({ minClusters: 3, maxClusters: 2 });
    expect(problemsOf(stack)).toEqual(['[test/Warehouse] maxClusters = 2 is invalid; allowed: an integer from 3 to 40 (at least minClusters)']);
  });

  test('GIVEN 41 max clusters WHEN validated THEN 40 is the limit', () => {
    const { stack } = warehouse({ maxClusters: 41 });
    expect(problemsOf(stack)).toEqual(['[test/Warehouse] maxClusters = 41 is invalid; allowed: an integer from 1 to 40 (at least minClusters)']);
  });
});

describe('AnomalyAlert', () => {
  test('GIVEN defaults WHEN the SQL is built THEN it counts warning and critical anomalies of the last 15 minutes', () => {
    expect(anomalyCountSql(ANOMALIES, 'warning', 15)).toBe(
      [
        'SELECT count(*) AS anomalies',
        `FROM ${ANOMALIES}`,
        'WHERE detected_at >= current_timestamp() - INTERVAL 15 MINUTES',
        "  AND severity IN ('warning', 'critical')",
      ].join('\n'),
    );
  });

  test('GIVEN 60 minutes and 10 minutes WHEN the schedule is built THEN it is hourly and every 10 minutes', () => {
    expect([everyMinutesCron(60), everyMinutesCron(10)]).toEqual(['0 0 * * * ?', '0 0/10 * * * ?']);
  });

  test('GIVEN defaults WHEN synthesized THEN the query runs on the warehouse in the folder', () => {
    const { stack } = anomalyAlert();
    expect(onlyResource(synthJson(stack), 'databricks_query')).toEqual({
      display_name: 'orders anomalies',
      warehouse_id: 'warehouse-id',
      parent_path: FOLDER,
      description: 'Anomalies of severity warning or above detected in the last 15 minutes',
      query_text: anomalyCountSql(ANOMALIES, 'warning', 15),
      apply_auto_limit: false,
      run_as_mode: 'OWNER',
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('GIVEN defaults WHEN synthesized THEN the alert triggers when the count is above 0', () => {
    const { stack, alert } = anomalyAlert();
    expect(onlyResource(synthJson(stack), 'databricks_alert')).toEqual({
      display_name: 'orders anomalies',
      query_id: refOf(alert.query, 'id'),
      parent_path: FOLDER,
      notify_on_ok: false,
      condition: {
        op: 'GREATER_THAN',
        operand: { column: { name: 'anomalies' } },
        threshold: { value: { double_value: 0 } },
        empty_result_state: 'UNKNOWN',
      },
    });
  });

  test('GIVEN subscribers WHEN synthesized THEN a job evaluates the alert every 15 minutes and notifies them', () => {
    const { stack, alert } = anomalyAlert({ subscribers: ['ops@example.com'], tags: { environment: 'dev' } });
    expect(onlyResource(synthJson(stack), 'databricks_job')).toEqual({
      name: 'orders anomalies',
      description: "Evaluates the alert 'orders anomalies' every 15 minutes",
      max_concurrent_runs: 1,
      schedule: { quartz_cron_expression: '0 0/15 * * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' },
      task: [
        {
          task_key: 'evaluate',
          sql_task: {
            warehouse_id: 'warehouse-id',
            alert: { alert_id: refOf(alert.alert, 'id'), pause_subscriptions: false, subscriptions: [{ user_name: 'ops@example.com' }] },
          },
        },
      ],
      tags: { environment: 'dev' },
    });
  });

  test('GIVEN critical only, hourly, threshold 5 WHEN synthesized THEN query, alert and schedule follow', () => {
    const { stack } = anomalyAlert({ minSeverity: 'critical', evaluationMinutes: 60, threshold: 5 });
    const json = synthJson(stack);
    expect([
      onlyResource(json, 'databricks_query').query_text,
      (onlyResource(json, 'databricks_alert').condition as { threshold: unknown }).threshold,
      (onlyResource(json, 'databricks_job').schedule as { quartz_cron_expression: string }).quartz_cron_expression,
    ]).toEqual([anomalyCountSql(ANOMALIES, 'critical', 60), { value: { double_value: 5 } }, '0 0 * * * ?']);
  });

  test('GIVEN a table name with a space WHEN validated THEN a Unity Catalog name or Delta path is required', () => {
    const { stack } = anomalyAlert({ anomaliesTable: 'gold.orders alerts' });
    expect(problemsOf(stack)).toEqual([
      "[test/Anomalies] anomaliesTable = 'gold.orders alerts' is invalid; allowed: a three-part Unity Catalog name such as 'main.gold.orders_anomalies', or delta.`abfss://<container>@<account>.dfs.core.windows.net/<path>`",
    ]);
  });

  test('GIVEN a Delta path table WHEN validated THEN it is accepted', () => {
    const { stack } = anomalyAlert({ anomaliesTable: 'delta.`abfss://gold@ststreamdev1a2b.dfs.core.windows.net/gold/orders_alerts`' });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('GIVEN a folder with a trailing slash WHEN validated THEN it is refused', () => {
    const { stack } = anomalyAlert({ parentPath: '/Shared/monitoring/' });
    expect(problemsOf(stack)).toEqual([
      "[test/Anomalies] parentPath = '/Shared/monitoring/' is invalid; allowed: an absolute workspace folder without a trailing slash, such as '/Shared/streaming/dev/monitoring'",
    ]);
  });

  test('GIVEN 7 evaluation minutes WHEN validated THEN divisors of an hour are listed', () => {
    const { stack } = anomalyAlert({ evaluationMinutes: 7 });
    expect(problemsOf(stack)).toEqual(['[test/Anomalies] evaluationMinutes = 7 is invalid; allowed: one of 5, 10, 15, 20, 30, 60']);
  });

  test('GIVEN an unknown severity WHEN validated THEN the severities are listed', () => {
    const { stack } = anomalyAlert({ minSeverity: 'high' as never });
    expect(problemsOf(stack)).toEqual(["[test/Anomalies] minSeverity = 'high' is invalid; allowed: one of 'info', 'warning', 'critical'"]);
  });

  test.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
  ])('GIVEN threshold %p WHEN validated THEN 0 or more is required', (threshold, shown) => {
    const { stack } = anomalyAlert({ threshold });
    expect(problemsOf(stack)).toEqual([`[test/Anomalies] threshold = ${shown} is invalid; allowed: a number of anomalies, 0 or more`]);
  });

  test('GIVEN a malformed subscriber WHEN validated THEN an e-mail address is required', () => {
    const { stack } = anomalyAlert({ subscribers: ['ops'] });
    expect(problemsOf(stack)).toEqual([
      "[test/Anomalies] subscribers[0] = 'ops' is invalid; allowed: an e-mail address such as ops@example.com, of a workspace user",
    ]);
  });
});

describe('StreamDashboard', () => {
  test('GIVEN the tables WHEN synthesized THEN the dashboard runs on the warehouse without embedded credentials', () => {
    const stack = dashboard();
    expect(onlyResource(synthJson(stack), 'databricks_dashboard')).toEqual({
      display_name: 'orders',
      warehouse_id: 'warehouse-id',
      parent_path: FOLDER,
      serialized_dashboard: streamDashboardJson(GOLD, ANOMALIES, 24),
      embed_credentials: false,
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('GIVEN the same inputs twice WHEN serialized THEN the strings are identical', () => {
    expect(streamDashboardJson(GOLD, ANOMALIES, 24)).toBe(streamDashboardJson(GOLD, ANOMALIES, 24));
  });

  test('GIVEN the tables WHEN serialized THEN the gold and anomalies datasets read them over the look-back', () => {
    const document = JSON.parse(streamDashboardJson(GOLD, ANOMALIES, 48));
    expect(document.datasets).toEqual([
      {
        name: 'gold',
        displayName: 'Gold windows',
        queryLines: [
          'SELECT window_start, window_end, dimension, dimension_value, event_count\n',
          `FROM ${GOLD}\n`,
          'WHERE window_start >= current_timestamp() - INTERVAL 48 HOURS',
        ],
      },
      {
        name: 'anomalies',
        displayName: 'Anomalies',
        queryLines: [
          'SELECT detected_at, event_time, severity, rule_id, rule_type, device, field, observed, detail\n',
          `FROM ${ANOMALIES}\n`,
          'WHERE detected_at >= current_timestamp() - INTERVAL 48 HOURS',
        ],
      },
    ]);
  });

  test('GIVEN the document WHEN read THEN one page holds four widgets on a 6-column grid', () => {
    const page = JSON.parse(streamDashboardJson(GOLD, ANOMALIES, 24)).pages[0];
    expect(
      page.layout.map((item: { widget: { name: string; spec: { widgetType: string; version: number } }; position: unknown }) => [
        item.widget.name,
        item.widget.spec.widgetType,
        item.widget.spec.version,
        item.position,
      ]),
    ).toEqual([
      ['events_per_window', 'line', 3, { x: 0, y: 0, width: 4, height: 6 }],
      ['anomaly_count', 'counter', 2, { x: 4, y: 0, width: 2, height: 3 }],
      ['anomalies_per_rule', 'bar', 3, { x: 4, y: 3, width: 2, height: 3 }],
      ['latest_anomalies', 'table', 1, { x: 0, y: 6, width: 6, height: 8 }],
    ]);
  });

  test('GIVEN the events widget WHEN read THEN it sums event_count per window start, coloured by dimension', () => {
    const widget = JSON.parse(streamDashboardJson(GOLD, ANOMALIES, 24)).pages[0].layout[0].widget;
    expect(widget.queries).toEqual([
      {
        name: 'main_query',
        query: {
          datasetName: 'gold',
          fields: [
            { name: 'window_start', expression: '`window_start`' },
            { name: 'sum(event_count)', expression: 'SUM(`event_count`)' },
            { name: 'dimension', expression: '`dimension`' },
          ],
          disaggregated: false,
        },
      },
    ]);
  });

  test('GIVEN a bad gold table and 0 look-back hours WHEN validated THEN both are refused', () => {
    const stack = dashboard({ goldTable: 'orders_1m', lookbackHours: 0 });
    expect(problemsOf(stack)).toEqual([
      "[test/Dashboard] goldTable = 'orders_1m' is invalid; allowed: a three-part Unity Catalog name such as 'main.gold.orders_anomalies', or delta.`abfss://<container>@<account>.dfs.core.windows.net/<path>`",
      '[test/Dashboard] lookbackHours = 0 is invalid; allowed: an integer from 1 to 720',
    ]);
  });
});
