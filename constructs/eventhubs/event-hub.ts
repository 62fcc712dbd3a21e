import { Eventhub } from '@cdktf/provider-azurerm/lib/eventhub';
import { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import { EventhubConsumerGroup } from '@cdktf/provider-azurerm/lib/eventhub-consumer-group';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { assignRole, type Grantee } from '../core/grants';
import { NAME_RULES } from '../core/naming';
import { Problems } from '../core/problems';
import type { EventHubNamespace } from './eventhub-namespace';
import { TIER_LIMITS } from './tier-limits';

/** Where Capture writes Avro files: a container of a storage account (the lake's `capture` container). */
export interface CaptureDestination {
  readonly storageAccountId: string;
  readonly containerName: string;
}

/** Every token Capture requires in its file name format. */
export const CAPTURE_REQUIRED_TOKENS = ['{Namespace}', '{EventHub}', '{PartitionId}', '{Year}', '{Month}', '{Day}', '{Hour}', '{Minute}', '{Second}'] as const;

/** The file name format Capture writes with: the given one, or Event Hubs' default (every token, in order). */
export function archiveNameFormatOf(capture: Pick<CaptureOptions, 'archiveNameFormat'>): string {
  return capture.archiveNameFormat ?? CAPTURE_REQUIRED_TOKENS.join('/');
}

export const DEFAULT_CAPTURE_INTERVAL_SECONDS = 300;

export interface CaptureOptions {
  readonly destination: CaptureDestination;
  /** 60–900 seconds. @default 300 */
  readonly intervalSeconds?: number;
  /** 10,485,760–524,288,000 bytes (10–500 MiB). @default 314572800 (300 MiB) */
  readonly sizeLimitBytes?: number;
  /** @default 'Avro' */
  readonly encoding?: 'Avro' | 'AvroDeflate';
  /** @default true (no empty files for idle partitions) */
  readonly skipEmptyArchives?: boolean;
  /**
   * File name format; must keep every token in `CAPTURE_REQUIRED_TOKENS`.
   * @default '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}'
   */
  readonly archiveNameFormat?: string;
}

/** What an authorization rule may do. Manage is never offered: it implies send and listen and rule administration. */
export type AccessRight = 'listen' | 'send';

export interface EventHubOptions {
  readonly name: string;
  /** Fixed after creation except on Premium. @default 4 */
  readonly partitions?: number;
  /** @default 1 */
  readonly retentionDays?: number;
  /**
   * Consumer groups to create besides the built-in `$Default` (one per reading application or query).
   * @default []
   */
  readonly consumerGroups?: readonly string[];
  /** @default undefined (no capture) */
  readonly capture?: CaptureOptions;
}

export interface EventHubProps extends EventHubOptions {
  readonly namespace: EventHubNamespace;
}

/**
 * An event hub in a namespace, with consumer groups, least-privilege SAS rules and Capture,
 * each checked against the namespace's tier.
 *
 * @example
 * const hub = namespace.addEventHub('Telemetry', {
 *   name: 'evh-telemetry', partitions: 8, retentionDays: 7, consumerGroups: ['cg-bronze'],
 *   capture: { destination: lake.captureDestination(), intervalSeconds: 300 },
 * });
 * const rule = hub.addAuthorizationRule('bronze-listen', 'listen');
 */
export class EventHub extends Construct {
  /** The underlying resource (escape hatch). */
  public readonly resource: Eventhub;
  public readonly name: string;
  public readonly namespace: EventHubNamespace;
  public readonly partitions: number;
  private readonly problems: Problems;
  private readonly consumerGroupsByName = new Map<string, EventhubConsumerGroup>();
  private readonly rulesByName = new Map<string, EventhubAuthorizationRule>();

  public constructor(scope: Construct, id: string, props: EventHubProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    this.namespace = props.namespace;
    this.name = props.name;
    this.partitions = props.partitions ?? 4;
    const retentionDays = props.retentionDays ?? 1;
    this.validate(props, retentionDays);
    props.namespace.registerEventHub(this);

    const capture = props.capture;
    this.resource = new Eventhub(this, 'Resource', {
      name: props.name,
      namespaceId: props.namespace.id,
      partitionCount: this.partitions,
      messageRetention: retentionDays,
      captureDescription: capture
        ? {
            enabled: true,
            encoding: capture.encoding ?? 'Avro',
            intervalInSeconds: capture.intervalSeconds ?? DEFAULT_CAPTURE_INTERVAL_SECONDS,
            sizeLimitInBytes: capture.sizeLimitBytes ?? 314572800,
            skipEmptyArchives: capture.skipEmptyArchives ?? true,
            destination: {
              name: 'EventHubArchive.AzureBlockBlob',
              archiveNameFormat: archiveNameFormatOf(capture),
              blobContainerName: capture.destination.containerName,
              storageAccountId: capture.destination.storageAccountId,
            },
          }
        : undefined,
    });
    for (const group of props.consumerGroups ?? []) this.addConsumerGroup(group);
  }

  /** Adds a consumer group (Basic tier: none beyond `$Default`). Adding the same name twice returns the first. */
  public addConsumerGroup(name: string): EventhubConsumerGroup {
    const existing = this.consumerGroupsByName.get(name);
    if (existing) return existing;
    const limits = TIER_LIMITS[this.namespace.tier];
    this.problems.matches(`consumerGroups.${name}`, name, NAME_RULES.consumerGroup.pattern, NAME_RULES.consumerGroup.rule);
    if (name === '$Default') this.problems.add(`consumerGroups.${name}`, name, 'a new name ($Default exists on every event hub)');
    if (limits && this.consumerGroupsByName.size + 2 > limits.maxConsumerGroups) {
      this.problems.add(
        'consumerGroups',
        [...this.consumerGroupsByName.keys(), name],
        `at most ${limits.maxConsumerGroups - 1} besides $Default for tier ${this.namespace.tier} (${limits.maxConsumerGroups} in all)`,
      );
    }
    const group = new EventhubConsumerGroup(this, `ConsumerGroup-${name}`, {
      name,
      eventhubName: this.resource.name,
      namespaceName: this.namespace.name,
      resourceGroupName: this.namespace.resourceGroupName,
    });
    this.consumerGroupsByName.set(name, group);
    return group;
  }

  /** The consumer groups added so far, by name. */
  public get consumerGroups(): ReadonlyMap<string, EventhubConsumerGroup> {
    return this.consumerGroupsByName;
  }

  /**
   * Adds a shared access rule scoped to this event hub with exactly one right: `listen` for readers,
   * `send` for producers. Its `primaryConnectionString` belongs in Key Vault (`KeyVault.addSecret`).
   */
  public addAuthorizationRule(name: string, right: AccessRight): EventhubAuthorizationRule {
    const existing = this.rulesByName.get(name);
    if (existing) return existing;
    this.problems.oneOf<string>(`authorizationRules.${name}.right`, right, ['listen', 'send']);
    if (!this.namespace.localAuthentication) {
      // Event Hubs then refuses every SAS connection string: the rule would fail its reader at run time.
      this.problems.add(
        `authorizationRules.${name}`,
        name,
        `no SAS rule on namespace '${this.namespace.name}', whose local authentication is off: its clients must use Entra ID`,
      );
    }
    const rule = new EventhubAuthorizationRule(this, `Rule-${name}`, {
      name,
      eventhubName: this.resource.name,
      namespaceName: this.namespace.name,
      resourceGroupName: this.namespace.resourceGroupName,
      listen: right === 'listen',
      send: right === 'send',
      manage: false,
    });
    this.rulesByName.set(name, rule);
    return rule;
  }

  /** Grants "Azure Event Hubs Data Receiver" on this event hub only. */
  public grantReceive(grantee: Grantee, id = 'DataReceiver'): RoleAssignment {
    return assignRole(this, id, this.resource.id, 'Azure Event Hubs Data Receiver', grantee);
  }

  /** Grants "Azure Event Hubs Data Sender" on this event hub only. */
  public grantSend(grantee: Grantee, id = 'DataSender'): RoleAssignment {
    return assignRole(this, id, this.resource.id, 'Azure Event Hubs Data Sender', grantee);
  }

  private validate(props: EventHubProps, retentionDays: number): void {
    const problems = this.problems;
    const tier = props.namespace.tier;
    problems.matches('name', props.name, NAME_RULES.eventHub.pattern, NAME_RULES.eventHub.rule);
    const limits = TIER_LIMITS[tier];
    if (!limits) return;
    problems.integerInRange('partitions', this.partitions, 1, limits.maxPartitions, ` for tier ${tier}`);
    problems.integerInRange('retentionDays', retentionDays, 1, limits.maxRetentionDays, ` for tier ${tier}`);
    const capture = props.capture;
    if (!capture) return;
    if (!limits.capture) problems.add('capture', 'enabled', `no capture for tier ${tier} (Capture needs Standard or Premium)`);
    problems.integerInRange('capture.intervalSeconds', capture.intervalSeconds, 60, 900);
    problems.integerInRange('capture.sizeLimitBytes', capture.sizeLimitBytes, 10485760, 524288000);
    const format = capture.archiveNameFormat;
    if (format !== undefined) {
      const missing = CAPTURE_REQUIRED_TOKENS.filter((token) => !format.includes(token));
      if (missing.length > 0) {
        problems.add('capture.archiveNameFormat', format, `a format containing every one of ${CAPTURE_REQUIRED_TOKENS.join('')} (missing ${missing.join('')})`);
      }
    }
  }
}
