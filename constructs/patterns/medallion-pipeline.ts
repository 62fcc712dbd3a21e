import type { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import type { EventhubConsumerGroup } from '@cdktf/provider-azurerm/lib/eventhub-consumer-group';
import type { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { Job } from '@cdktf/provider-databricks/lib/job';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { archiveNameFormatOf, type CaptureOptions, DEFAULT_CAPTURE_INTERVAL_SECONDS, type EventHub } from '../eventhubs/event-hub';
import { EventHubNamespace, type EventHubNamespaceProps } from '../eventhubs/eventhub-namespace';
import { KeyVault, type KeyVaultProps } from '../keyvault/key-vault';
import { SecretValue } from '../keyvault/secret-value';
import type { StreamAlerts } from '../monitoring/stream-alerts';
import { LakeStorage, type LakeStorageProps } from '../storage/lake-storage';
import type { StreamDefinition } from '../streams/stream-definition';
import { type SourceDefaults, STREAM_DEFAULTS, type StreamSpecV1, toStreamSpec } from '../streams/stream-spec';
import { validateStreamSpec } from '../streams/validate-stream-spec';
import type { PipelineAuth, StreamCredential } from './stream-auth';

/** Where a stream's jobs are deployed: the environment's workspace stack (`WorkspaceStack` satisfies it). */
export interface StreamJobTarget {
  addStream(
    input: {
      spec: StreamSpecV1;
      eventHubNamespaceTier: EventHubNamespace['tier'];
      credential: StreamCredential;
      /** The hub's Capture files (a backfill reads them). */
      capture?: { url: string; namespace: string; nameFormat: string };
    },
    options?: { connectionString?: SecretValue },
  ): DeployedStreamJob;
}

/** A stream's deployed Databricks job, as its target returns it (`StreamJobs` satisfies it). */
export interface DeployedStreamJob {
  /** The stream's job (escape hatch). */
  readonly resource: Job;
  readonly streamName: string;
}

/** An existing resource, or the props of a new one: exactly one of the two (AWS Solutions Constructs style). */
export type ExistingOrNew<K extends string, T, P> =
  | ({ readonly [k in K]: T } & { readonly [k in `${K}Props`]?: never })
  | ({ readonly [k in K]?: never } & { readonly [k in `${K}Props`]: P });

export type MedallionPipelineProps = MedallionPipelineOptions &
  /** The namespace the stream's event hub is created in. */
  ExistingOrNew<'namespace', EventHubNamespace, EventHubNamespaceProps> &
  /** The vault that holds the pipeline job's listen connection string. */
  ExistingOrNew<'keyVault', KeyVault, KeyVaultProps> &
  /** The lake Capture writes to. */
  ExistingOrNew<'lake', LakeStorage, LakeStorageProps>;

export interface MedallionPipelineOptions {
  /** The stream: schema, windows, rules, targets. Validated like the Python package validates it. */
  readonly definition: StreamDefinition;
  /**
   * Capture of raw events to the lake's `capture` container (Avro); `false` turns it off.
   * @default false
   */
  readonly capture?: false | Omit<CaptureOptions, 'destination'>;
  /**
   * How the job authenticates to the event hub: `sas` creates a listen-only rule and puts its connection
   * string in Key Vault; `entra` grants `reader` "Azure Event Hubs Data Receiver" on the event hub and creates
   * neither (a `kafka` source only).
   * @default { type: 'sas' }
   */
  readonly auth?: PipelineAuth;
  /**
   * The workspace stack the stream's jobs go to.
   * @default undefined (Azure resources only; no jobs)
   */
  readonly jobs?: StreamJobTarget;
  /**
   * Where the stream's consumer-lag and capture-backlog alerts go, with the lag factor they use.
   * @default undefined (no per-stream alerts)
   */
  readonly alerts?: { readonly target: StreamAlerts; readonly lagFactor?: number };
  /**
   * Partitions and retention of a definition that leaves them out (an environment's Event Hubs sizing).
   * @default STREAM_DEFAULTS.source (4 partitions, 1 day)
   */
  readonly sourceDefaults?: SourceDefaults;
}

/**
 * One stream of the medallion platform in one statement: its event hub and consumer groups, its job's
 * credential (a listen-only rule whose connection string goes to Key Vault, or an Entra ID role on the event
 * hub), Capture to the lake, and
 * the stream's pipeline job in the workspace (bronze, silver, gold, alerts and features), reading the spec.
 *
 * @example
 * new MedallionPipeline(platform, 'Stream-orders', {
 *   definition: orders, namespace: platform.namespace, keyVault: platform.keyVault, lake: platform.lake, jobs: workspace,
 *   capture: { intervalSeconds: 300 },
 * });
 */
export class MedallionPipeline extends Construct {
  /** The stream spec (v1) passed to the job. */
  public readonly spec: StreamSpecV1;
  public readonly namespace: EventHubNamespace;
  public readonly keyVault: KeyVault;
  public readonly lake: LakeStorage;
  public readonly eventHub: EventHub;
  /** The consumer group the pipeline job reads with; undefined for `$Default` and for a `kafka` source. */
  public readonly bronzeConsumerGroup?: EventhubConsumerGroup;
  /** Listen only: the pipeline job's credential (`sas` auth). */
  public readonly listenRule?: EventhubAuthorizationRule;
  /** The listen rule's connection string in Key Vault, also the secret scope key (`sas` auth). */
  public readonly connectionStringSecret?: KeyVaultSecret;
  /** The reader's "Azure Event Hubs Data Receiver" role on the event hub (`entra` auth). */
  public readonly receiverRole?: RoleAssignment;
  /** The stream's Databricks job, when `jobs` is given. */
  public readonly jobs?: DeployedStreamJob;

  public constructor(scope: Construct, id: string, props: MedallionPipelineProps) {
    super(scope, id);
    const problems = Problems.of(this);
    this.spec = toStreamSpec(props.definition, props.sourceDefaults);
    const specProblems = validateStreamSpec(this.spec);
    for (const problem of specProblems) problems.addConflict(`definition ${problem.message}`);
    const source = reportedOnce(this.spec.source, new Set(specProblems.map((p) => p.path)));

    this.namespace = existingOrNew(problems, 'namespace', props.namespace, props.namespaceProps, (p) => new EventHubNamespace(this, 'Namespace', p));
    this.keyVault = existingOrNew(problems, 'keyVault', props.keyVault, props.keyVaultProps, (p) => new KeyVault(this, 'KeyVault', p));
    this.lake = existingOrNew(problems, 'lake', props.lake, props.lakeProps, (p) => new LakeStorage(this, 'Lake', p));

    const { name } = this.spec;
    this.eventHub = this.namespace.addEventHub(`EventHub-${name}`, {
      name: source.eventHubName,
      partitions: source.partitions,
      retentionDays: source.retentionDays,
      capture: props.capture ? { ...props.capture, destination: this.lake.captureDestination() } : undefined,
    });
    const bronzeGroup = source.consumerGroups.bronze;
    // The Kafka endpoint reads with Kafka's own groups (see ConsumerGroupsDefinition): an Event Hubs group would be unused.
    const readsWithGroup = source.type === 'eventhubs' && bronzeGroup !== '$Default';
    this.bronzeConsumerGroup = readsWithGroup ? this.eventHub.addConsumerGroup(bronzeGroup) : undefined;
    let credential: StreamCredential;
    let connectionString: SecretValue | undefined;
    const auth = this.authOf(props.auth, source.type, problems);
    if (auth.type === 'entra') {
      this.receiverRole = this.eventHub.grantReceive(auth.reader, 'PipelineReader');
      credential = { type: 'entra', namespace: this.namespace.name };
    } else {
      this.listenRule = this.eventHub.addAuthorizationRule(`${name}-bronze-listen`, 'listen');
      const secretName = `${source.eventHubName}-listen`;
      connectionString = SecretValue.fromAttribute(this.listenRule, 'primary_connection_string');
      this.connectionStringSecret = this.keyVault.addSecret({
        name: secretName,
        value: connectionString,
        contentType: 'Event Hubs connection string (listen)',
      });
      credential = { type: 'sas', secretName };
    }

    props.alerts?.target.addEventHub(source.eventHubName, {
      partitions: source.partitions,
      captureIntervalSeconds: props.capture ? (props.capture.intervalSeconds ?? DEFAULT_CAPTURE_INTERVAL_SECONDS) : undefined,
      consumerLag: { lagFactor: props.alerts.lagFactor },
    });

    this.jobs = props.jobs?.addStream(
      // The source as reported once: the jobs' own checks (retention against the schedule) never repeat a spec problem.
      {
        spec: { ...this.spec, source },
        eventHubNamespaceTier: this.namespace.tier,
        credential,
        capture: props.capture
          ? { url: this.lake.abfssUrl('capture'), namespace: this.namespace.name, nameFormat: archiveNameFormatOf(props.capture) }
          : undefined,
      },
      { connectionString },
    );
  }

  /** The auth to build: `entra` on the eventhubs connector is reported here and built as `sas`, so that it is reported once. */
  private authOf(auth: PipelineAuth | undefined, sourceType: StreamSpecV1['source']['type'], problems: Problems): PipelineAuth {
    if (auth?.type !== 'entra' || sourceType !== 'eventhubs') return auth ?? { type: 'sas' };
    problems.add(
      'auth.type',
      auth.type,
      "'sas' for source 'eventhubs' of the definition (the eventhubs connector takes only a connection string); or source 'kafka'",
    );
    return { type: 'sas' };
  }
}

/**
 * The source as the event hub, alerts and jobs get it: a value the spec validation has reported is replaced
 * by a valid placeholder, so that each mistake is reported once, by the spec (nothing is synthesized while
 * any problem stands, so a placeholder never reaches Azure).
 */
function reportedOnce(source: StreamSpecV1['source'], reported: ReadonlySet<string>): StreamSpecV1['source'] {
  const fallback = STREAM_DEFAULTS.source;
  const eventHubName = reported.has('$.source.eventHubName') ? 'evh-invalid' : source.eventHubName;
  return {
    ...source,
    eventHubName,
    partitions: reported.has('$.source.partitions') ? fallback.partitions : source.partitions,
    retentionDays: reported.has('$.source.retentionDays') ? fallback.retentionDays : source.retentionDays,
    consumerGroups: reported.has('$.source.consumerGroups.bronze') ? { bronze: '$Default' } : source.consumerGroups,
  };
}

/**
 * The existing resource, or a new one from its props. Both or neither is a problem; the types already
 * forbid it, the check is for callers from JavaScript. With neither, a placeholder built from empty props
 * keeps the tree complete so every other problem is still reported.
 */
function existingOrNew<T, P>(problems: Problems, field: string, existing: T | undefined, props: P | undefined, create: (props: P) => T): T {
  if (existing !== undefined && props !== undefined) {
    problems.add(`${field}Props`, '<props>', `undefined when ${field} is given (pass an existing ${field} or the props of a new one, not both)`);
  }
  if (existing !== undefined) return existing;
  if (props === undefined) {
    problems.add(field, undefined, `an existing ${field}, or ${field}Props to create one`);
    return create({} as P);
  }
  return create(props);
}
