import { SqlEndpoint } from '@cdktf/provider-databricks/lib/sql-endpoint';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';

/** `cluster_size` values of a SQL warehouse (databricks 1.99 `databricks_sql_endpoint`). */
export const WAREHOUSE_SIZES = ['2X-Small', 'X-Small', 'Small', 'Medium', 'Large', 'X-Large', '2X-Large', '3X-Large', '4X-Large'] as const;
export type WarehouseSize = (typeof WAREHOUSE_SIZES)[number];

/** The most clusters a warehouse scales out to (Warehouses API: `max_num_clusters` ≤ 40). */
export const MAX_WAREHOUSE_CLUSTERS = 40;

export interface ServingWarehouseProps {
  /** Unique in the workspace, under 100 characters. */
  readonly name: string;
  /** @default '2X-Small' */
  readonly clusterSize?: WarehouseSize;
  /**
   * Serverless compute (a `PRO` warehouse); needs serverless SQL enabled for the workspace's region.
   * Off gives a classic `PRO` warehouse in the workspace's subscription.
   * @default true
   */
  readonly serverless?: boolean;
  /**
   * Idle minutes before the warehouse stops: at least 1 for serverless, at least 10 for classic. 0
   * ("never stop") is refused: an idle BI warehouse would bill all night.
   * @default 10
   */
  readonly autoStopMinutes?: number;
  /** @default 1 */
  readonly minClusters?: number;
  /** Scale-out for concurrent queries (min clusters to 40). @default 1 */
  readonly maxClusters?: number;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A Databricks SQL warehouse for serving gold to BI: Power BI DirectQuery connects to its server
 * host name and HTTP path (`serverHostname`, `httpPath`) with Microsoft Entra ID.
 *
 * @example
 * const warehouse = new ServingWarehouse(this, 'Warehouse', { name: 'stream-prod-bi', clusterSize: 'Small', autoStopMinutes: 15 });
 * new TerraformOutput(this, 'warehouse_http_path', { value: warehouse.httpPath });
 */
export class ServingWarehouse extends Construct {
  /** The underlying warehouse (escape hatch). */
  public readonly resource: SqlEndpoint;

  public constructor(scope: Construct, id: string, props: ServingWarehouseProps) {
    super(scope, id);
    const problems = Problems.of(this);
    const serverless = props.serverless ?? true;
    const clusterSize = props.clusterSize ?? '2X-Small';
    const autoStop = props.autoStopMinutes ?? 10;
    const minClusters = props.minClusters ?? 1;
    const maxClusters = props.maxClusters ?? 1;
    problems.matches('name', props.name, /^\S.{0,98}$/, 'a name of 1–99 characters, not starting with a space');
    problems.oneOf('clusterSize', clusterSize, WAREHOUSE_SIZES);
    if (serverless) {
      problems.integerInRange('autoStopMinutes', autoStop, 1, 10080, ' for a serverless warehouse (0, never stop, is refused)');
    } else {
      problems.integerInRange('autoStopMinutes', autoStop, 10, 10080, ' for a classic warehouse (0, never stop, is refused)');
    }
    problems.integerInRange('minClusters', minClusters, 1, 30);
    problems.integerInRange(
      'maxClusters',
      maxClusters,
      Math.max(1, Number.isInteger(minClusters) ? minClusters : 1),
      MAX_WAREHOUSE_CLUSTERS,
      ' (at least minClusters)',
    );

    this.resource = new SqlEndpoint(this, 'Resource', {
      name: props.name,
      clusterSize,
      warehouseType: 'PRO',
      enableServerlessCompute: serverless,
      enablePhoton: true,
      autoStopMins: autoStop,
      minNumClusters: minClusters,
      maxNumClusters: maxClusters,
      channel: { name: 'CHANNEL_NAME_CURRENT' },
      tags: props.tags && Object.keys(props.tags).length > 0 ? { customTags: Object.entries(props.tags).map(([key, value]) => ({ key, value })) } : undefined,
    });
  }

  /** The warehouse id (for queries, alerts and dashboards). */
  public get id(): string {
    return this.resource.id;
  }

  /** Power BI's "Server hostname": the workspace host (`adb-<id>.<n>.azuredatabricks.net`). */
  public get serverHostname(): string {
    return this.resource.odbcParams.get(0).hostname;
  }

  /** Power BI's "HTTP path": `/sql/1.0/warehouses/<id>`. */
  public get httpPath(): string {
    return this.resource.odbcParams.get(0).path;
  }

  public get jdbcUrl(): string {
    return this.resource.jdbcUrl;
  }
}
