import { Dashboard } from '@cdktf/provider-databricks/lib/dashboard';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { TABLE_NAME, WORKSPACE_FOLDER } from './table-names';

export interface StreamDashboardProps {
  readonly warehouseId: string;
  readonly displayName: string;
  /** Workspace folder of the dashboard (created when missing). */
  readonly parentPath: string;
  /** A gold table of the stream (one window's aggregates: window_start, window_end, dimension, dimension_value, event_count…). */
  readonly goldTable: string;
  /**
   * The stream's anomalies table (detected_at, event_time, severity, rule_id, rule_type, device, field, observed, detail…).
   * @default undefined (a stream without anomaly rules: no anomaly widgets)
   */
  readonly anomaliesTable?: string;
  /** Hours of data every dataset reads (1–720). @default 24 */
  readonly lookbackHours?: number;
}

interface Field {
  readonly name: string;
  readonly expression: string;
}

/** Lakeview widget versions per widget type (as exported by the workspace). */
const WIDGET_VERSION = { line: 3, bar: 3, counter: 2, table: 1 } as const;

const column = (name: string): Field => ({ name, expression: `\`${name}\`` });

/**
 * The Lakeview (`.lvdash.json`) document of a stream's dashboard: events per window and dimension
 * from gold, recent anomaly count, anomalies per rule and the latest anomalies. Built from plain
 * objects with a fixed key order, so the same inputs always give the same string (stable plans).
 */
export function streamDashboardJson(goldTable: string, anomaliesTable: string | undefined, lookbackHours: number): string {
  const allDatasets = [
    {
      name: 'gold',
      displayName: 'Gold windows',
      queryLines: [
        'SELECT window_start, window_end, dimension, dimension_value, event_count\n',
        `FROM ${goldTable}\n`,
        `WHERE window_start >= current_timestamp() - INTERVAL ${lookbackHours} HOURS`,
      ],
    },
    {
      name: 'anomalies',
      displayName: 'Anomalies',
      queryLines: [
        'SELECT detected_at, event_time, severity, rule_id, rule_type, device, field, observed, detail\n',
        `FROM ${anomaliesTable}\n`,
        `WHERE detected_at >= current_timestamp() - INTERVAL ${lookbackHours} HOURS`,
      ],
    },
  ];
  const datasets = allDatasets.filter((d) => d.name !== 'anomalies' || anomaliesTable !== undefined);
  const widget = (
    name: string,
    datasetName: string,
    widgetType: keyof typeof WIDGET_VERSION,
    title: string,
    fields: readonly Field[],
    disaggregated: boolean,
    encodings: Record<string, unknown>,
    position: { x: number; y: number; width: number; height: number },
  ) => ({
    widget: {
      name,
      queries: [{ name: 'main_query', query: { datasetName, fields, disaggregated } }],
      spec: { version: WIDGET_VERSION[widgetType], widgetType, encodings, frame: { showTitle: true, title } },
    },
    position,
  });
  const anomalyColumns = ['detected_at', 'severity', 'rule_id', 'device', 'field', 'observed', 'detail'];
  const allWidgets = [
    widget(
      'events_per_window',
      'gold',
      'line',
      'Events per window',
      [column('window_start'), { name: 'sum(event_count)', expression: 'SUM(`event_count`)' }, column('dimension')],
      false,
      {
        x: { fieldName: 'window_start', scale: { type: 'temporal' }, displayName: 'Window start' },
        y: { fieldName: 'sum(event_count)', scale: { type: 'quantitative' }, displayName: 'Events' },
        color: { fieldName: 'dimension', scale: { type: 'categorical' }, displayName: 'Dimension' },
      },
      { x: 0, y: 0, width: 4, height: 6 },
    ),
    widget(
      'anomaly_count',
      'anomalies',
      'counter',
      `Anomalies (last ${lookbackHours} h)`,
      [{ name: 'count(*)', expression: 'COUNT(`*`)' }],
      false,
      { value: { fieldName: 'count(*)', displayName: 'Anomalies' } },
      { x: 4, y: 0, width: 2, height: 3 },
    ),
    widget(
      'anomalies_per_rule',
      'anomalies',
      'bar',
      'Anomalies per rule',
      [column('rule_id'), { name: 'count(*)', expression: 'COUNT(`*`)' }, column('severity')],
      false,
      {
        x: { fieldName: 'rule_id', scale: { type: 'categorical' }, displayName: 'Rule' },
        y: { fieldName: 'count(*)', scale: { type: 'quantitative' }, displayName: 'Anomalies' },
        color: { fieldName: 'severity', scale: { type: 'categorical' }, displayName: 'Severity' },
      },
      { x: 4, y: 3, width: 2, height: 3 },
    ),
    widget(
      'latest_anomalies',
      'anomalies',
      'table',
      'Latest anomalies',
      anomalyColumns.map(column),
      true,
      { columns: anomalyColumns.map((fieldName) => ({ fieldName, displayName: fieldName })) },
      { x: 0, y: 6, width: 6, height: 8 },
    ),
  ];
  const layout = allWidgets.filter((w) => datasets.some((d) => d.name === w.widget.queries[0].query.datasetName));
  return JSON.stringify({ datasets, pages: [{ name: 'overview', displayName: 'Overview', layout, pageType: 'PAGE_TYPE_CANVAS' }] });
}

/**
 * A Lakeview dashboard over one stream's gold and anomalies tables, run by the serving warehouse.
 *
 * @example
 * new StreamDashboard(this, 'Dashboard-telemetry', {
 *   warehouseId: warehouse.id, displayName: 'telemetry stream', parentPath: '/Shared/streaming-platform/prod/monitoring',
 *   goldTable: 'stream_prod.gold.iot_telemetry_tumbling_1m', anomaliesTable: 'stream_prod.gold.iot_telemetry_alerts',
 * });
 */
export class StreamDashboard extends Construct {
  /** The underlying dashboard (escape hatch). */
  public readonly resource: Dashboard;

  public constructor(scope: Construct, id: string, props: StreamDashboardProps) {
    super(scope, id);
    const problems = Problems.of(this);
    const lookbackHours = props.lookbackHours ?? 24;
    problems.matches('goldTable', props.goldTable, TABLE_NAME.pattern, TABLE_NAME.rule);
    if (props.anomaliesTable !== undefined) problems.matches('anomaliesTable', props.anomaliesTable, TABLE_NAME.pattern, TABLE_NAME.rule);
    problems.matches('parentPath', props.parentPath, WORKSPACE_FOLDER.pattern, WORKSPACE_FOLDER.rule);
    problems.matches('displayName', props.displayName, /^\S.*$/, 'a non-empty name');
    problems.integerInRange('lookbackHours', lookbackHours, 1, 720);

    this.resource = new Dashboard(this, 'Resource', {
      displayName: props.displayName,
      warehouseId: props.warehouseId,
      parentPath: props.parentPath,
      serializedDashboard: streamDashboardJson(props.goldTable, props.anomaliesTable, lookbackHours),
      // Viewers query with their own identity, so Unity Catalog grants apply to them.
      embedCredentials: false,
    });
  }
}
