import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { EventhubNamespaceSchemaGroup } from '@cdktf/provider-azurerm/lib/eventhub-namespace-schema-group';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { annotate } from '../core/annotations';
import { assignRole, type Grantee } from '../core/grants';
import { NAME_RULES } from '../core/naming';
import { Problems } from '../core/problems';
import { EventHub, type EventHubOptions } from './event-hub';
import { EVENT_HUBS_TIERS, type EventHubsTier, TIER_LIMITS } from './tier-limits';

/** Who may reach the namespace over the network. */
export interface NetworkAccessOptions {
  /**
   * Whether the public endpoint is reachable at all. When false, only private endpoints reach the resource.
   * @default false
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * What happens to traffic no rule matches, when the public endpoint is on.
   * @default 'Deny'
   */
  readonly defaultAction?: 'Allow' | 'Deny';
  /**
   * IPv4 addresses or CIDR ranges allowed through the public endpoint.
   * @default []
   */
  readonly allowedIpRanges?: readonly string[];
  /**
   * Subnet ids allowed through service endpoints.
   * @default []
   */
  readonly allowedSubnetIds?: readonly string[];
}

export interface SchemaGroupOptions {
  /** @default 'Backward' */
  readonly compatibility?: 'None' | 'Backward' | 'Forward';
  /** Json schemas only support compatibility `None`. @default 'Avro' */
  readonly schemaType?: 'Avro' | 'Json';
}

export interface EventHubNamespaceProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** @default 'Standard' (Basic has no capture, no Kafka endpoint and a single consumer group) */
  readonly tier?: EventHubsTier;
  /**
   * Throughput units (Basic, Standard: 1–40) or processing units (Premium: 1, 2, 4, 8 or 16).
   * @default 1
   */
  readonly capacity?: number;
  /**
   * Auto-inflate's ceiling in throughput units (Standard only; at least `capacity`, at most 40).
   * @default undefined (auto-inflate off)
   */
  readonly autoInflateMaxThroughputUnits?: number;
  /**
   * Shared access signature (connection string) authentication. The eventhubs-spark connector and the
   * Kafka endpoint's `$ConnectionString` login need it; turn it off where every client uses Entra ID.
   * @default true
   */
  readonly localAuthentication?: boolean;
  /** @default { publicNetworkAccess: false } (reachable through private endpoints only) */
  readonly network?: NetworkAccessOptions;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/(3[0-2]|[12]?\d))?$/;

/**
 * An Event Hubs namespace with TLS 1.2, a system-assigned identity and network rules, and the
 * limits of its tier enforced on every event hub added to it.
 *
 * @example
 * const namespace = new EventHubNamespace(this, 'EventHubs', {
 *   name: naming.eventHubNamespace(), resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope',
 *   tier: 'Standard', capacity: 2, autoInflateMaxThroughputUnits: 8,
 *   network: { publicNetworkAccess: true, allowedIpRanges: ['203.0.113.0/24'] },
 * });
 * namespace.addSchemaGroup('telemetry');
 */
export class EventHubNamespace extends Construct {
  /** The underlying resource (escape hatch: `addOverride`). */
  public readonly resource: EventhubNamespace;
  public readonly tier: EventHubsTier;
  public readonly name: string;
  public readonly resourceGroupName: string;
  /** Throughput units (Basic, Standard) or processing units (Premium). */
  public readonly capacity: number;
  /** Whether SAS (shared access key) authentication is accepted; off means Entra ID only. */
  public readonly localAuthentication: boolean;
  private readonly problems: Problems;
  private readonly eventHubs: EventHub[] = [];

  public constructor(scope: Construct, id: string, props: EventHubNamespaceProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    this.tier = props.tier ?? 'Standard';
    this.name = props.name;
    this.resourceGroupName = props.resourceGroupName;
    const capacity = props.capacity ?? 1;
    this.capacity = capacity;
    this.localAuthentication = props.localAuthentication ?? true;
    const network = props.network ?? {};
    const publicAccess = network.publicNetworkAccess ?? false;
    this.validate(props, capacity, publicAccess);
    // Namespace-wide quotas depend on every event hub added later: checked when the app is validated.
    this.node.addValidation({ validate: () => this.quotaProblems() });

    if (props.localAuthentication === false) {
      annotate(this, 'info', 'Local (SAS) authentication is off: clients must use Entra ID.');
    }
    const limits = TIER_LIMITS[this.tier] ?? TIER_LIMITS.Standard;
    this.resource = new EventhubNamespace(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: this.tier,
      capacity,
      autoInflateEnabled: limits.autoInflate ? props.autoInflateMaxThroughputUnits !== undefined : undefined,
      maximumThroughputUnits: props.autoInflateMaxThroughputUnits,
      minimumTlsVersion: '1.2',
      localAuthenticationEnabled: this.localAuthentication,
      publicNetworkAccessEnabled: publicAccess,
      identity: { type: 'SystemAssigned' },
      networkRulesets: publicAccess
        ? [
            {
              defaultAction: network.defaultAction ?? 'Deny',
              publicNetworkAccessEnabled: true,
              trustedServiceAccessEnabled: true,
              ipRule: (network.allowedIpRanges ?? []).map((ipMask) => ({ ipMask, action: 'Allow' })),
              virtualNetworkRule: (network.allowedSubnetIds ?? []).map((subnetId) => ({ subnetId })),
            },
          ]
        : undefined,
      tags: props.tags,
    });
  }

  /** The namespace's resource id. */
  public get id(): string {
    return this.resource.id;
  }

  /** The system-assigned identity's principal id (for grants to other resources). */
  public get principalId(): string {
    return this.resource.identity.principalId;
  }

  /** Adds an event hub whose partitions, retention, consumer groups and capture are checked against this tier. */
  public addEventHub(id: string, options: EventHubOptions): EventHub {
    return new EventHub(this, id, { ...options, namespace: this });
  }

  /** Called by each EventHub of this namespace, wherever it is created, so the namespace quotas count it. */
  public registerEventHub(hub: EventHub): void {
    this.eventHubs.push(hub);
  }

  private quotaProblems(): string[] {
    const limits = TIER_LIMITS[this.tier];
    if (!limits) return []; // an unknown tier is already reported
    const quota = new Problems();
    const hubs = this.eventHubs.length;
    if (hubs > limits.maxEventHubs) {
      quota.add('eventHubs', hubs, `at most ${limits.maxEventHubs} event hubs in a namespace of tier ${this.tier}`);
    }
    const perUnit = limits.partitionsPerCapacityUnit;
    const partitions = this.eventHubs.reduce((sum, hub) => sum + hub.partitions, 0);
    if (perUnit !== undefined && !Token.isUnresolved(this.capacity) && partitions > perUnit * this.capacity) {
      quota.add(
        'partitions (all event hubs)',
        partitions,
        `at most ${perUnit * this.capacity} for tier ${this.tier} with capacity ${this.capacity} (${perUnit} per processing unit)`,
      );
    }
    return quota.validate();
  }

  /** Adds a schema registry group (Standard tier and above). */
  public addSchemaGroup(name: string, options: SchemaGroupOptions = {}): EventhubNamespaceSchemaGroup {
    const compatibility = options.compatibility ?? 'Backward';
    const schemaType = options.schemaType ?? 'Avro';
    if (!TIER_LIMITS[this.tier]?.schemaRegistry) {
      this.problems.add(`schemaGroups.${name}`, this.tier, 'a namespace of tier Standard or Premium (Basic has no schema registry)');
    }
    if (schemaType === 'Json' && compatibility !== 'None') {
      this.problems.add(`schemaGroups.${name}.compatibility`, compatibility, "'None' for Json schemas");
    }
    return new EventhubNamespaceSchemaGroup(this, `SchemaGroup-${name}`, {
      name,
      namespaceId: this.resource.id,
      schemaCompatibility: compatibility,
      schemaType,
    });
  }

  /** Grants "Azure Event Hubs Data Receiver" on the whole namespace. */
  public grantReceive(grantee: Grantee, id = 'DataReceiver'): RoleAssignment {
    return assignRole(this, id, this.resource.id, 'Azure Event Hubs Data Receiver', grantee);
  }

  /** Grants "Azure Event Hubs Data Sender" on the whole namespace. */
  public grantSend(grantee: Grantee, id = 'DataSender'): RoleAssignment {
    return assignRole(this, id, this.resource.id, 'Azure Event Hubs Data Sender', grantee);
  }

  private validate(props: EventHubNamespaceProps, capacity: number, publicAccess: boolean): void {
    const problems = this.problems;
    problems.matches('name', props.name, NAME_RULES.eventHubNamespace.pattern, NAME_RULES.eventHubNamespace.rule);
    problems.oneOf('tier', this.tier, EVENT_HUBS_TIERS);
    const limits = TIER_LIMITS[this.tier];
    if (!limits) return;
    problems.integerInRange('capacity', capacity, limits.minCapacity, limits.maxCapacity, ` for tier ${this.tier}`);
    if (limits.allowedCapacities && !limits.allowedCapacities.includes(capacity)) {
      problems.add('capacity', capacity, `one of ${limits.allowedCapacities.join(', ')} processing units for tier ${this.tier}`);
    }
    const max = props.autoInflateMaxThroughputUnits;
    if (max !== undefined) {
      if (!limits.autoInflate) {
        problems.add('autoInflateMaxThroughputUnits', max, `undefined for tier ${this.tier} (auto-inflate is a Standard tier feature)`);
      } else {
        problems.integerInRange(
          'autoInflateMaxThroughputUnits',
          max,
          Math.max(capacity, 1),
          limits.maxCapacity,
          ` (at least capacity ${capacity}, at most ${limits.maxCapacity})`,
        );
      }
    }
    const network = props.network ?? {};
    if (!publicAccess && (network.allowedIpRanges?.length || network.allowedSubnetIds?.length || network.defaultAction)) {
      problems.addConflict(
        'network: allowedIpRanges, allowedSubnetIds and defaultAction apply to the public endpoint, but publicNetworkAccess is false; set publicNetworkAccess: true or remove them',
      );
    }
    if (this.tier === 'Basic' && (network.allowedIpRanges?.length || network.allowedSubnetIds?.length)) {
      problems.add('tier', this.tier, "'Standard' or 'Premium' for IP and virtual network rules (Basic has no network rules)");
    }
    (network.allowedIpRanges ?? []).forEach((range, i) => {
      problems.matches(`network.allowedIpRanges[${i}]`, range, CIDR, 'an IPv4 address or CIDR range such as 203.0.113.0/24');
    });
  }
}
