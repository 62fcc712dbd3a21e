import type { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import type { EventhubConsumerGroup } from '@cdktf/provider-azurerm/lib/eventhub-consumer-group';
import type { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { Construct } from 'constructs';
import type { StreamJobs } from '../../jobs/stream-jobs';
import { Problems } from '../core/problems';
import type { CaptureOptions, EventHub } from '../eventhubs/event-hub';
import type { EventHubNamespace } from '../eventhubs/eventhub-namespace';
import type { KeyVault } from '../keyvault/key-vault';
import { SecretValue } from '../keyvault/secret-value';
import type { LakeStorage } from '../storage/lake-storage';
import type { StreamDefinition } from '../streams/stream-definition';
import { type StreamSpecV1, toStreamSpec } from '../streams/stream-spec';
import { validateStreamSpec } from '../streams/validate-stream-spec';

/** Where a stream's jobs are deployed: the environment's workspace stack (`WorkspaceStack` satisfies it). */
export interface StreamJobTarget {
  addStream(
    input: {
      name: string;
      spec: object;
      source: StreamSpecV1['source']['type'];
      partitions: number;
      eventHubNamespaceTier: EventHubNamespace['tier'];
      secretName: string;
      consumerGroup: string;
    },
    options?: { connectionString?: SecretValue },
  ): StreamJobs;
}

export interface MedallionPipelineProps {
  /** The stream: schema, windows, rules, targets. Validated like the Python jobs validate it. */
  readonly definition: StreamDefinition;
  /** The namespace the stream's event hub is created in. */
  readonly namespace: EventHubNamespace;
  /** The vault that holds the bronze query's listen connection string. */
  readonly keyVault: KeyVault;
  /** The lake Capture writes to. */
  readonly lake: LakeStorage;
  /**
   * Capture of raw events to the lake's `capture` container (Avro); `false` turns it off.
   * @default false
   */
  readonly capture?: false | Omit<CaptureOptions, 'destination'>;
  /**
   * The workspace stack the stream's jobs go to.
   * @default undefined (Azure resources only; no jobs)
   */
  readonly jobs?: StreamJobTarget;
}

/**
 * One stream of the medallion platform in one statement: its event hub and consumer groups, a
 * listen-only authorization rule whose connection string goes to Key Vault, Capture to the lake, and
 * the bronze → silver → gold, anomaly and feature jobs in the workspace, all reading one spec.
 */
export class MedallionPipeline extends Construct {
  /** The stream spec (v1) passed to every job. */
  public readonly spec: StreamSpecV1;
  public readonly eventHub: EventHub;
  /** The consumer group the bronze job reads with; undefined when it is the built-in `$Default`. */
  public readonly bronzeConsumerGroup?: EventhubConsumerGroup;
  /** Listen only: the bronze job's credential. */
  public readonly listenRule: EventhubAuthorizationRule;
  /** The listen rule's connection string in Key Vault (also the secret scope key). */
  public readonly connectionStringSecret: KeyVaultSecret;
  /** The stream's Databricks jobs, when `jobs` is given. */
  public readonly jobs?: StreamJobs;

  public constructor(scope: Construct, id: string, props: MedallionPipelineProps) {
    super(scope, id);
    const problems = Problems.of(this);
    this.spec = toStreamSpec(props.definition);
    for (const problem of validateStreamSpec(this.spec)) problems.addConflict(`definition ${problem.message}`);

    const { name, source } = this.spec;
    this.eventHub = props.namespace.addEventHub(`EventHub-${name}`, {
      name: source.eventHubName,
      partitions: source.partitions,
      retentionDays: source.retentionDays,
      capture: props.capture ? { ...props.capture, destination: props.lake.captureDestination() } : undefined,
    });
    const bronzeGroup = source.consumerGroups.bronze;
    this.bronzeConsumerGroup = bronzeGroup === '$Default' ? undefined : this.eventHub.addConsumerGroup(bronzeGroup);
    this.listenRule = this.eventHub.addAuthorizationRule(`${name}-bronze-listen`, 'listen');
    const secretName = `${source.eventHubName}-listen`;
    const connectionString = SecretValue.fromAttribute(this.listenRule, 'primary_connection_string');
    this.connectionStringSecret = props.keyVault.addSecret({ name: secretName, value: connectionString, contentType: 'Event Hubs connection string (listen)' });

    this.jobs = props.jobs?.addStream(
      {
        name,
        spec: this.spec,
        source: source.type,
        partitions: source.partitions,
        eventHubNamespaceTier: props.namespace.tier,
        secretName,
        consumerGroup: source.consumerGroups.bronze,
      },
      { connectionString },
    );
  }
}
