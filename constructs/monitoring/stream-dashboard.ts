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

type DatasetName = 'gold' | 'anomalies';

/** One widget of the overview page, on the dataset it reads. */
interface WidgetSpec {
  readonly name: string;
  readonly dataset: DatasetName;
  readonly type: keyof typeof WIDGET_VERSION;
  readonly title: string;
  readonly fields: readonly Field[];
  /** Rows as they are (a table) instead of aggregated by the fields. */
  readonly disaggregated?: boolean;
  readonly encodings: Record<string, unknown>;
  readonly position: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

function datasets(goldTable: string, anomaliesTable: string | undefined, lookbackHours: number) {
  const since = (column: string) => `WHERE ${column} >= current_timestamp() - INTERVAL ${lookbackHours} HOURS`;
  const gold = {
    name: 'gold',
    displayName: 'Gold windows',
    queryLines: ['SELECT window_start, window_end, dimension, dimension_value, event_count\n', `FROM ${goldTable}\n`, since('window_start')],
  };
  if (anomaliesTable === undefined) return [gold];
  const anomalies = {
    name: 'anomalies',
    displayName: 'Anomalies',
    queryLines: [
      'SELECT detected_at, event_time, severity, rule_id, rule_type, device, field, observed, detail\n',
      `FROM ${anomaliesTable}\n`,
      since('detected_at'),
    ],
  };
  return [gold, anomalies];
}

const ANOMALY_COLUMNS = ['detected_at', 'severity', 'rule_id', 'device', 'field', 'observed', 'detail'];
const COUNT: Field = { name: 'count(*)', expression: 'COUNT(`*`)' };

function widgets(lookbackHours: number): WidgetSpec[] {
  const axis = (fieldName: string, type: string, displayName: string) => ({ fieldName, scale: { type }, displayName });
  return [
    {
      name: 'events_per_window',
      dataset: 'gold',
      type: 'line',
      title: 'Events per window',
      fields: [column('window_start'), { name: 'sum(event_count)', expression: 'SUM(`event_count`)' }, column('dimension')],
      encodings: {
        x: axis('window_start', 'temporal', 'Window start'),
        y: axis('sum(event_count)', 'quantitative', 'Events'),
        color: axis('dimension', 'categorical', 'Dimension'),
      },
      position: { x: 0, y: 0, width: 4, height: 6 },
    },
    {
      name: 'anomaly_count',
      dataset: 'anomalies',
      type: 'counter',
      title: `Anomalies (last ${lookbackHours} h)`,
      fields: [COUNT],
      encodings: { value: { fieldName: COUNT.name, displayName: 'Anomalies' } },
      position: { x: 4, y: 0, width: 2, height: 3 },
    },
    {
      name: 'anomalies_per_rule',
      dataset: 'anomalies',
      type: 'bar',
      title: 'Anomalies per rule',
      fields: [column('rule_id'), COUNT, column('severity')],
      encodings: {
        x: axis('rule_id', 'categorical', 'Rule'),
        y: axis(COUNT.name, 'quantitative', 'Anomalies'),
        color: axis('severity', 'categorical', 'Severity'),
      },
      position: { x: 4, y: 3, width: 2, height: 3 },
    },
    {
      name: 'latest_anomalies',
      dataset: 'anomalies',
      type: 'table',
      title: 'Latest anomalies',
      fields: ANOMALY_COLUMNS.map(column),
      disaggregated: true,
      encodings: { columns: ANOMALY_COLUMNS.map((fieldName) => ({ fieldName, displayName: fieldName })) },
      position: { x: 0, y: 6, width: 6, height: 8 },
    },
  ];
}

/** A widget as the Lakeview document writes it (this key order is the document's). */
function layoutItem(w: WidgetSpec) {
  return {
    widget: {
      name: w.name,
      queries: [{ name: 'main_query', query: { datasetName: w.dataset, fields: w.fields, disaggregated: w.disaggregated ?? false } }],
      spec: { version: WIDGET_VERSION[w.type], widgetType: w.type, encodings: w.encodings, frame: { showTitle: true, title: w.title } },
    },
    position: w.position,
  };
}

/**
 * The Lakeview (`.lvdash.json`) document of a stream's dashboard: events per window and dimension
 * from gold, recent anomaly count, anomalies per rule and the latest anomalies. Built from plain
 * objects with a fixed key order, so the same inputs always give the same string (stable plans).
 */
export function streamDashboardJson(goldTable: string, anomaliesTable: string | undefined, lookbackHours: number): string {
  const sets = datasets(goldTable, anomaliesTable, lookbackHours);
  const layout = widgets(lookbackHours)
    .filter((w) => sets.some((d) => d.name === w.dataset))
    .map(layoutItem);
  return JSON.stringify({ datasets: sets, pages: [{ name: 'overview', displayName: 'Overview', layout, pageType: 'PAGE_TYPE_CANVAS' }] });
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
