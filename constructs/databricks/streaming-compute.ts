import { Cluster } from '@cdktf/provider-databricks/lib/cluster';
import { ClusterPolicy } from '@cdktf/provider-databricks/lib/cluster-policy';
import { DataDatabricksCurrentUser } from '@cdktf/provider-databricks/lib/data-databricks-current-user';
import type { JobJobClusterNewCluster, JobTaskLibrary } from '@cdktf/provider-databricks/lib/job';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { type EventHubsTier, TIER_LIMITS } from '../eventhubs/tier-limits';

/** How a stream's pipeline reads Event Hubs. */
export type StreamSource = 'eventhubs' | 'kafka';
export const STREAM_SOURCES: readonly StreamSource[] = ['eventhubs', 'kafka'];

/** The eventhubs-spark connector: Scala 2.12 only, last release 2022. */
export const EVENTHUBS_SPARK_COORDINATES = 'com.microsoft.azure:azure-eventhubs-spark_2.12:2.3.22';
/** The newest runtime that still ships Scala 2.12 (17.x is Spark 4 / Scala 2.13). */
export const EVENTHUBS_MAX_RUNTIME = { major: 16, minor: 4 } as const;
/** Runtimes the eventhubs source is known to work on, for messages. */
export const EVENTHUBS_RUNTIMES = ['15.4.x-scala2.12', '16.4.x-scala2.12'] as const;
export const ROCKSDB_STATE_STORE = 'com.databricks.sql.streaming.state.RocksDBStateStoreProvider';

/** Access modes: `SINGLE_USER` (dedicated) or `USER_ISOLATION` (standard/shared). */
export type DataSecurityMode = 'SINGLE_USER' | 'USER_ISOLATION';

export interface RuntimeVersion {
  readonly major: number;
  readonly minor: number;
  /** `2.12`, `2.13`, or undefined when the version string names no Scala version. */
  readonly scala?: string;
}

/** Parses `15.4.x-scala2.12` (and variants such as `15.4.x-cpu-ml-scala2.12`); undefined if it is not a runtime version. */
export function parseRuntimeVersion(version: string): RuntimeVersion | undefined {
  const match = /^(\d+)\.(\d+)\.x(?:-[a-z0-9-]*?)?(?:-scala(\d+\.\d+))?$/.exec(version);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), scala: match[3] };
}

/** A problem as the three parts `Problems.add` takes. */
export interface FieldProblem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

/** What the compute of a job must offer for one stream source. */
export interface SourceRequirements {
  readonly source: StreamSource;
  readonly runtimeVersion: string;
  readonly dataSecurityMode: DataSecurityMode;
  readonly eventHubNamespaceTier: EventHubsTier;
  /**
   * How the source authenticates: a connection string (`sas`), a Unity Catalog service credential, an Entra
   * application, or `entra` with no Entra ID source given.
   * @default 'sas'
   */
  readonly credential?: 'sas' | 'serviceCredential' | 'oauthClient' | 'entra';
}

/** The first runtime whose Kafka source takes a Unity Catalog service credential (`databricks.serviceCredential`). */
export const SERVICE_CREDENTIAL_MIN_RUNTIME = { major: 16, minor: 1 } as const;

/**
 * The synth-time compatibility rules between a stream's source and its compute:
 * - `eventhubs`: the Scala 2.12 connector needs a `*-scala2.12` runtime at or below 16.4, and a
 *   dedicated (SINGLE_USER) cluster, since standard access mode forbids its `EventHubsUtils.encrypt` call;
 * - `kafka`: needs the namespace's Kafka endpoint, which Basic does not have;
 * - Entra ID: the Kafka source only, with an Entra ID source; a service credential needs runtime 16.1 or later.
 */
export function sourceCompatibilityProblems(fieldPrefix: string, req: SourceRequirements): FieldProblem[] {
  const problems: FieldProblem[] = credentialProblems(fieldPrefix, req);
  if (req.source === 'eventhubs') {
    const runtime = parseRuntimeVersion(req.runtimeVersion);
    const tooNew =
      runtime !== undefined &&
      (runtime.major > EVENTHUBS_MAX_RUNTIME.major || (runtime.major === EVENTHUBS_MAX_RUNTIME.major && runtime.minor > EVENTHUBS_MAX_RUNTIME.minor));
    if (!runtime || runtime.scala !== '2.12' || tooNew) {
      problems.push({
        field: 'runtimeVersion',
        value: req.runtimeVersion,
        allowed: `a *-scala2.12 runtime at or below ${EVENTHUBS_MAX_RUNTIME.major}.${EVENTHUBS_MAX_RUNTIME.minor} for source 'eventhubs' of ${fieldPrefix} (${EVENTHUBS_SPARK_COORDINATES} is Scala 2.12 only), such as ${EVENTHUBS_RUNTIMES.join(' or ')}; or use source 'kafka'`,
      });
    }
    if (req.dataSecurityMode !== 'SINGLE_USER') {
      problems.push({
        field: 'dataSecurityMode',
        value: req.dataSecurityMode,
        allowed: `'SINGLE_USER' for source 'eventhubs' of ${fieldPrefix} (standard access mode forbids EventHubsUtils.encrypt); or use source 'kafka'`,
      });
    }
  } else if (req.source === 'kafka') {
    if (!TIER_LIMITS[req.eventHubNamespaceTier]?.kafkaEndpoint) {
      problems.push({
        field: `${fieldPrefix}.eventHubNamespaceTier`,
        value: req.eventHubNamespaceTier,
        allowed: "'Standard' or 'Premium' for source 'kafka' (Basic has no Kafka endpoint); or use source 'eventhubs'",
      });
    }
  }
  return problems;
}

function credentialProblems(fieldPrefix: string, req: SourceRequirements): FieldProblem[] {
  const credential = req.credential ?? 'sas';
  if (credential === 'sas') return [];
  if (req.source === 'eventhubs') {
    return [
      {
        field: `${fieldPrefix}.credential`,
        value: 'entra',
        allowed: `'sas' for source 'eventhubs' of ${fieldPrefix} (the eventhubs connector takes only a connection string); or use source 'kafka'`,
      },
    ];
  }
  if (credential === 'entra') {
    return [
      {
        field: 'entra',
        value: undefined,
        allowed: `an Entra ID source for the entra credential of ${fieldPrefix}: a Unity Catalog service credential or an Entra application`,
      },
    ];
  }
  const runtime = parseRuntimeVersion(req.runtimeVersion);
  const min = SERVICE_CREDENTIAL_MIN_RUNTIME;
  if (credential === 'serviceCredential' && (!runtime || runtime.major < min.major || (runtime.major === min.major && runtime.minor < min.minor))) {
    return [
      {
        field: 'runtimeVersion',
        value: req.runtimeVersion,
        allowed: `a runtime of ${min.major}.${min.minor} or later for the Entra ID source of ${fieldPrefix} (a Unity Catalog service credential, option databricks.serviceCredential), such as 16.4.x-scala2.12; or auth 'sas'`,
      },
    ];
  }
  return [];
}

/**
 * What the `medallion` package needs beyond the Databricks Runtime, as in requirements.txt (a test keeps
 * the two equal): every task validates its spec with jsonschema.
 */
export const NOTEBOOK_PYPI_PACKAGES = ['jsonschema==4.23.0'] as const;

/** The PyPI libraries every notebook task installs. */
export function notebookLibraries(): JobTaskLibrary[] {
  return NOTEBOOK_PYPI_PACKAGES.map((pkg) => ({ pypi: { package: pkg } }));
}

/** The libraries a task reading `source` needs (on the task: a shared job cluster takes none). */
export function sourceLibraries(source: StreamSource): JobTaskLibrary[] {
  return source === 'eventhubs' ? [{ maven: { coordinates: EVENTHUBS_SPARK_COORDINATES } }] : [];
}

export interface StreamingComputeProps {
  /** Databricks Runtime, for example `15.4.x-scala2.12`. */
  readonly runtimeVersion: string;
  /** VM size of driver and workers, for example `Standard_D4ds_v5`. */
  readonly nodeType: string;
  /** Fixed number of workers (streaming does not autoscale well): 1–100. */
  readonly workers: number;
  /**
   * `job`: a new job cluster per job (isolation, no idle cost between runs); `all-purpose`: one shared
   * cluster that every stream's tasks run on.
   * @default 'job'
   */
  readonly mode?: 'job' | 'all-purpose';
  /**
   * Node types the cluster policy allows.
   * @default [nodeType]
   */
  readonly allowedNodeTypes?: readonly string[];
  /**
   * Access mode. `SINGLE_USER` (dedicated) is what the eventhubs source needs and what Unity Catalog
   * streaming with a single owner wants.
   * @default 'SINGLE_USER'
   */
  readonly dataSecurityMode?: DataSecurityMode;
  /**
   * All-purpose mode: the user or service principal the dedicated cluster is assigned to.
   * @default the identity that runs Terraform (`databricks_current_user`)
   */
  readonly singleUserName?: string;
  /** Name prefix of the policy and cluster. @default 'streaming' */
  readonly name?: string;
  /** Custom tags on every cluster (Azure tags on the VMs); fixed by the policy. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * Compute for the streaming jobs: a cluster policy that pins runtime, node types, a fixed size, the
 * access mode, RocksDB state and tags; job cluster specs built under it; and, as an option, one
 * all-purpose dedicated cluster.
 *
 * @example
 * const compute = new StreamingCompute(this, 'Compute', {
 *   runtimeVersion: '15.4.x-scala2.12', nodeType: 'Standard_D4ds_v5', workers: 2,
 * });
 * const cluster = compute.newCluster(8);
 */
export class StreamingCompute extends Construct {
  /** The cluster policy every streaming cluster is created under (escape hatch). */
  public readonly policy: ClusterPolicy;
  /** Present in all-purpose mode. */
  public readonly cluster?: Cluster;
  public readonly mode: 'job' | 'all-purpose';
  public readonly runtimeVersion: string;
  public readonly nodeType: string;
  public readonly workers: number;
  public readonly dataSecurityMode: DataSecurityMode;
  public readonly tags: Record<string, string>;
  private readonly partitionsSeen: number[] = [];

  public constructor(scope: Construct, id: string, props: StreamingComputeProps) {
    super(scope, id);
    const problems = Problems.of(this);
    this.mode = props.mode ?? 'job';
    this.runtimeVersion = props.runtimeVersion;
    this.nodeType = props.nodeType;
    this.workers = props.workers;
    this.dataSecurityMode = props.dataSecurityMode ?? 'SINGLE_USER';
    this.tags = { ...(props.tags ?? {}) };
    const allowedNodeTypes = [...(props.allowedNodeTypes ?? [props.nodeType])];
    const name = props.name ?? 'streaming';

    problems.oneOf('mode', this.mode, ['job', 'all-purpose']);
    problems.oneOf('dataSecurityMode', this.dataSecurityMode, ['SINGLE_USER', 'USER_ISOLATION']);
    problems.integerInRange('workers', props.workers, 1, 100);
    if (!parseRuntimeVersion(props.runtimeVersion)) {
      problems.add('runtimeVersion', props.runtimeVersion, 'a Databricks Runtime version such as 15.4.x-scala2.12');
    }
    if (!allowedNodeTypes.includes(props.nodeType)) {
      problems.add('nodeType', props.nodeType, `one of allowedNodeTypes (${allowedNodeTypes.join(', ')})`);
    }

    const definition: Record<string, unknown> = {
      spark_version: { type: 'fixed', value: props.runtimeVersion },
      node_type_id: { type: 'allowlist', values: allowedNodeTypes, defaultValue: props.nodeType },
      driver_node_type_id: { type: 'allowlist', values: allowedNodeTypes, defaultValue: props.nodeType },
      num_workers: { type: 'fixed', value: props.workers },
      // Streaming queries keep their partitions on the executors they started on: no autoscaling.
      'autoscale.min_workers': { type: 'forbidden', hidden: true },
      'autoscale.max_workers': { type: 'forbidden', hidden: true },
      data_security_mode: { type: 'fixed', value: this.dataSecurityMode },
      'spark_conf.spark.sql.streaming.stateStore.providerClass': { type: 'fixed', value: ROCKSDB_STATE_STORE },
    };
    for (const [key, value] of Object.entries(this.tags).sort(([a], [b]) => a.localeCompare(b))) {
      definition[`custom_tags.${key}`] = { type: 'fixed', value };
    }
    this.policy = new ClusterPolicy(this, 'Policy', {
      name: `${name}-policy`,
      description: 'Streaming clusters: fixed runtime and size, no autoscaling, dedicated access mode, RocksDB state store.',
      definition: JSON.stringify(definition),
    });

    if (this.mode === 'all-purpose') {
      const singleUserName =
        this.dataSecurityMode === 'SINGLE_USER' ? (props.singleUserName ?? new DataDatabricksCurrentUser(this, 'CurrentUser', {}).userName) : undefined;
      this.cluster = new Cluster(this, 'Cluster', {
        clusterName: `${name}-shared`,
        sparkVersion: props.runtimeVersion,
        nodeTypeId: props.nodeType,
        numWorkers: props.workers,
        policyId: this.policy.id,
        applyPolicyDefaultValues: true,
        dataSecurityMode: this.dataSecurityMode,
        singleUserName,
        // Streams run all the time on a shared cluster: it must not stop under them.
        autoterminationMinutes: 0,
        sparkConf: {
          'spark.sql.streaming.stateStore.providerClass': ROCKSDB_STATE_STORE,
          // One cluster for every stream: as many shuffle partitions as the widest stream's event hub.
          'spark.sql.shuffle.partitions': Lazy.stringValue({ produce: () => String(Math.max(1, ...this.partitionsSeen)) }),
        },
        customTags: this.tags,
      });
    }
  }

  /** The id of the all-purpose cluster, or undefined in job mode. */
  public get existingClusterId(): string | undefined {
    return this.cluster?.id;
  }

  /**
   * A job cluster spec under the policy for a stream with `partitions` event hub partitions
   * (one shuffle partition per input partition keeps state stores aligned with the source).
   */
  public newCluster(partitions: number): JobJobClusterNewCluster {
    this.partitionsSeen.push(partitions);
    return {
      sparkVersion: this.runtimeVersion,
      nodeTypeId: this.nodeType,
      numWorkers: this.workers,
      policyId: this.policy.id,
      applyPolicyDefaultValues: true,
      dataSecurityMode: this.dataSecurityMode,
      sparkConf: {
        'spark.sql.streaming.stateStore.providerClass': ROCKSDB_STATE_STORE,
        'spark.sql.shuffle.partitions': String(partitions),
      },
      customTags: { ...this.tags },
    };
  }

  /** Records that a stream with `partitions` runs on this compute (sizes the all-purpose cluster's shuffle). */
  public registerStream(partitions: number): void {
    this.partitionsSeen.push(partitions);
  }
}
