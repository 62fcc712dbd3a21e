import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorMetricAlert, type MonitorMetricAlertCriteria } from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { annotate } from '../core/annotations';
import { EMAIL_RULE } from '../core/naming';
import { Problems } from '../core/problems';
import type { EventHubNamespace } from '../eventhubs/eventhub-namespace';
import {
  ALERT_FREQUENCIES,
  ALERT_WINDOW_SIZES,
  type AlertFrequency,
  type AlertWindowSize,
  DEFAULT_CAPTURE_FACTOR,
  DEFAULT_LAG_FACTOR,
  DURATION_SECONDS,
  deriveCaptureBacklogThreshold,
  deriveConsumerLagThresholds,
  EVENTS_PER_SECOND_PER_UNIT,
  type HubSizing,
} from './alert-thresholds';

/** The Event Hubs metric namespace of every alert here. */
export const EVENT_HUBS_METRIC_NAMESPACE = 'Microsoft.EventHub/namespaces';

const HTTPS_URL = /^https:\/\/[^\s/?#]+[^\s]*$/;

export interface WebhookReceiver {
  /** Unique within the action group. */
  readonly name: string;
  /** An `https://` URL. Where the URL carries a token, pass a sensitive variable's value, never a literal. */
  readonly serviceUri: string;
}

export interface ActionGroupOptions {
  /** The action group's name, for example `ag-<workload>-<env>`. */
  readonly name: string;
  /** 1–12 characters, shown in e-mail subjects and SMS. */
  readonly shortName: string;
  /** @default [] */
  readonly emails?: readonly string[];
  /** @default [] */
  readonly webhooks?: readonly WebhookReceiver[];
}

/** Timing and severity of one metric alert. */
export interface MetricAlertOptions {
  /** 0 (critical) to 4 (verbose). */
  readonly severity?: number;
  /** How often the rule is evaluated; no longer than `windowSize`. */
  readonly frequency?: AlertFrequency;
  /** The period each evaluation aggregates over. */
  readonly windowSize?: AlertWindowSize;
}

/** An alert that fires when a count is above a threshold. */
export interface CountAlertOptions extends MetricAlertOptions {
  /** Fires when the window's total is greater than this (0 or more). @default 0 */
  readonly threshold?: number;
}

export interface ConsumerLagAlertOptions extends MetricAlertOptions {
  /** Share of the window's full-rate inflow that may stay unread (greater than 0). @default 0.1 */
  readonly lagFactor?: number;
  /** Override of the derived IncomingMessages threshold (`2 × lagEvents`). */
  readonly incomingAbove?: number;
  /** Override of the derived OutgoingMessages threshold (`lagEvents`); below `incomingAbove`. */
  readonly outgoingBelow?: number;
}

export interface CaptureBacklogAlertOptions extends MetricAlertOptions {
  /** Capture intervals of full-rate events allowed in the backlog (greater than 0). @default 2 */
  readonly captureFactor?: number;
  /** Override of the derived threshold (greater than 0). */
  readonly threshold?: number;
}

export interface EventHubAlertOptions {
  /** The event hub's partitions (the thresholds are derived from them). */
  readonly partitions: number;
  /**
   * The hub's Capture interval; with it, a capture backlog alert is added.
   * @default undefined (no capture, no capture backlog alert)
   */
  readonly captureIntervalSeconds?: number;
  /** @default derived thresholds, severity 2, every PT5M over PT15M */
  readonly consumerLag?: ConsumerLagAlertOptions;
  /** @default derived threshold, severity 2, every PT1M over PT1M (one sample of the backlog) */
  readonly captureBacklog?: CaptureBacklogAlertOptions;
}

export interface StreamAlertsProps {
  readonly namespace: EventHubNamespace;
  /** The namespace's throughput (or processing) units, the base of every derived threshold. */
  readonly throughputUnits: number;
  /**
   * Events per second per unit and per partition.
   * @default 1000 (a throughput unit's ingress)
   */
  readonly eventsPerSecondPerUnit?: number;
  readonly resourceGroupName: string;
  readonly actionGroup: ActionGroupOptions;
  /** @default threshold 0, severity 2, every PT1M over PT5M */
  readonly throttledRequests?: CountAlertOptions;
  /** @default threshold 0, severity 1, every PT1M over PT5M */
  readonly serverErrors?: CountAlertOptions;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

interface Timing {
  readonly severity: number;
  readonly frequency: AlertFrequency;
  readonly windowSize: AlertWindowSize;
}

/**
 * An action group (e-mail and webhook receivers, common alert schema) and the Event Hubs metric alerts
 * of a namespace: throttled requests and server errors per event hub (`EntityName` = `*`), and per
 * event hub added with `addEventHub`, consumer lag and capture backlog with thresholds derived from
 * the hub's sizing (see `alert-thresholds.ts`).
 *
 * @example
 * const alerts = new StreamAlerts(this, 'Alerts', {
 *   namespace, throughputUnits: 2, resourceGroupName: 'rg-stream-prd-weu',
 *   actionGroup: { name: 'ag-stream-prd', shortName: 'strm-prd', emails: ['oncall@example.com'] },
 * });
 * alerts.addEventHub('evh-telemetry', { partitions: 8, captureIntervalSeconds: 300 });
 */
export class StreamAlerts extends Construct {
  public readonly actionGroup: MonitorActionGroup;
  public readonly throttledRequests: MonitorMetricAlert;
  public readonly serverErrors: MonitorMetricAlert;
  /** Alerts per event hub name. */
  public readonly hubAlerts = new Map<string, { consumerLag: MonitorMetricAlert; captureBacklog?: MonitorMetricAlert }>();
  private readonly problems: Problems;
  private readonly props: StreamAlertsProps;
  private readonly prefix: string;

  public constructor(scope: Construct, id: string, props: StreamAlertsProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    this.props = props;
    this.prefix = `alert-${props.namespace.name}`;
    this.problems.integerInRange('throughputUnits', props.throughputUnits, 1, 40);
    if (props.eventsPerSecondPerUnit !== undefined) this.positive('eventsPerSecondPerUnit', props.eventsPerSecondPerUnit, 'a number of events greater than 0');

    this.actionGroup = this.createActionGroup(props.actionGroup);

    const throttled = this.timing('throttledRequests', props.throttledRequests, { severity: 2, frequency: 'PT1M', windowSize: 'PT5M' });
    const throttledThreshold = props.throttledRequests?.threshold ?? 0;
    this.atLeastZero('throttledRequests.threshold', throttledThreshold);
    this.throttledRequests = this.metricAlert(
      'ThrottledRequests',
      'throttled-requests',
      throttled,
      'Event Hubs throttled requests: ingress or egress is above the throughput units',
      [this.criterion('ThrottledRequests', 'GreaterThan', throttledThreshold, '*')],
    );

    const errors = this.timing('serverErrors', props.serverErrors, { severity: 1, frequency: 'PT1M', windowSize: 'PT5M' });
    const errorsThreshold = props.serverErrors?.threshold ?? 0;
    this.atLeastZero('serverErrors.threshold', errorsThreshold);
    this.serverErrors = this.metricAlert('ServerErrors', 'server-errors', errors, 'Event Hubs server errors', [
      this.criterion('ServerErrors', 'GreaterThan', errorsThreshold, '*'),
    ]);
  }

  /** The sizing the thresholds of `hubName` are derived from. */
  public sizing(partitions: number): HubSizing {
    return { throughputUnits: this.props.throughputUnits, partitions, eventsPerSecondPerUnit: this.props.eventsPerSecondPerUnit ?? EVENTS_PER_SECOND_PER_UNIT };
  }

  /**
   * Adds the consumer lag alert (and, with `captureIntervalSeconds`, the capture backlog alert) of one
   * event hub, filtered on its `EntityName`. Adding the same hub twice is a problem.
   */
  public addEventHub(hubName: string, options: EventHubAlertOptions): { consumerLag: MonitorMetricAlert; captureBacklog?: MonitorMetricAlert } {
    const field = `eventHubs.${hubName}`;
    const existing = this.hubAlerts.get(hubName);
    if (existing) {
      this.problems.add(field, hubName, 'an event hub not added before');
      return existing;
    }
    // partitions and captureIntervalSeconds are the event hub's: it reports them (once).
    const sizing = this.sizing(options.partitions);

    const lag = options.consumerLag ?? {};
    const lagTiming = this.timing(`${field}.consumerLag`, lag, { severity: 2, frequency: 'PT5M', windowSize: 'PT15M' });
    const lagFactor = lag.lagFactor ?? DEFAULT_LAG_FACTOR;
    this.positive(`${field}.consumerLag.lagFactor`, lagFactor, 'a number greater than 0');
    const derived = deriveConsumerLagThresholds(sizing, ALERT_WINDOW_SIZES.includes(lagTiming.windowSize) ? lagTiming.windowSize : 'PT15M', lagFactor);
    const incomingAbove = lag.incomingAbove ?? derived.incomingAbove;
    const outgoingBelow = lag.outgoingBelow ?? derived.outgoingBelow;
    // Derived thresholds follow from the sizing, whose own problems are reported already: only overrides are checked.
    const incomingOk =
      lag.incomingAbove === undefined
        ? incomingAbove > 0
        : this.positive(`${field}.consumerLag.incomingAbove`, incomingAbove, 'a number of messages greater than 0');
    const outgoingOk =
      lag.outgoingBelow === undefined
        ? outgoingBelow > 0
        : this.positive(`${field}.consumerLag.outgoingBelow`, outgoingBelow, 'a number of messages greater than 0');
    if (incomingOk && outgoingOk && outgoingBelow >= incomingAbove) {
      this.problems.add(
        `${field}.consumerLag.outgoingBelow`,
        outgoingBelow,
        `a number below incomingAbove ${incomingAbove} (the lag the alert detects is incomingAbove − outgoingBelow)`,
      );
    }
    const consumerLag = this.metricAlert(
      `ConsumerLag-${hubName}`,
      `${hubName}-consumer-lag`,
      lagTiming,
      `Consumers of ${hubName} fall behind: more than ${incomingAbove} messages in, fewer than ${outgoingBelow} out in ${lagTiming.windowSize}`,
      [this.criterion('IncomingMessages', 'GreaterThan', incomingAbove, hubName), this.criterion('OutgoingMessages', 'LessThan', outgoingBelow, hubName)],
    );

    let captureBacklog: MonitorMetricAlert | undefined;
    if (options.captureIntervalSeconds !== undefined) {
      const capture = options.captureBacklog ?? {};
      // CaptureBacklog is sampled every minute and only aggregates as Total: a PT1M window reads one sample.
      const captureTiming = this.timing(`${field}.captureBacklog`, capture, { severity: 2, frequency: 'PT1M', windowSize: 'PT1M' });
      const captureFactor = capture.captureFactor ?? DEFAULT_CAPTURE_FACTOR;
      this.positive(`${field}.captureBacklog.captureFactor`, captureFactor, 'a number greater than 0');
      const threshold = capture.threshold ?? deriveCaptureBacklogThreshold(sizing, options.captureIntervalSeconds, captureFactor);
      if (capture.threshold !== undefined) this.positive(`${field}.captureBacklog.threshold`, threshold, 'a number of messages greater than 0');
      captureBacklog = this.metricAlert(
        `CaptureBacklog-${hubName}`,
        `${hubName}-capture-backlog`,
        captureTiming,
        `Capture of ${hubName} falls behind: more than ${threshold} messages not yet written to the lake`,
        [this.criterion('CaptureBacklog', 'GreaterThan', threshold, hubName)],
      );
    } else if (options.captureBacklog) {
      this.problems.addConflict(`${field}.captureBacklog is set but captureIntervalSeconds is not; give the hub's capture interval or remove captureBacklog`);
    }
    const alerts = { consumerLag, captureBacklog };
    this.hubAlerts.set(hubName, alerts);
    return alerts;
  }

  private createActionGroup(options: ActionGroupOptions): MonitorActionGroup {
    const emails = options.emails ?? [];
    const webhooks = options.webhooks ?? [];
    this.problems.matches('actionGroup.shortName', options.shortName, /^.{1,12}$/, '1–12 characters');
    emails.forEach((email, i) => {
      // A variable's value (asked at apply) is checked by nobody before Azure: only literals are.
      if (!Token.isUnresolved(email)) this.problems.matches(`actionGroup.emails[${i}]`, email, EMAIL_RULE.pattern, EMAIL_RULE.rule);
    });
    const names = new Set<string>();
    webhooks.forEach((hook, i) => {
      this.problems.matches(`actionGroup.webhooks[${i}].name`, hook.name, /^\S.*$/, 'a non-empty name');
      if (names.has(hook.name)) this.problems.add(`actionGroup.webhooks[${i}].name`, hook.name, 'a name not used by another webhook of the action group');
      names.add(hook.name);
      this.problems.matches(`actionGroup.webhooks[${i}].serviceUri`, hook.serviceUri, HTTPS_URL, 'an https:// URL');
    });
    if (emails.length === 0 && webhooks.length === 0) {
      annotate(this, 'warn', 'The action group has no e-mail or webhook receiver: alerts fire but notify no one.');
    }
    return new MonitorActionGroup(this, 'ActionGroup', {
      name: options.name,
      resourceGroupName: this.props.resourceGroupName,
      shortName: options.shortName,
      emailReceiver: emails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress, useCommonAlertSchema: true })),
      webhookReceiver: webhooks.map((hook) => ({ name: hook.name, serviceUri: hook.serviceUri, useCommonAlertSchema: true })),
      tags: this.props.tags,
    });
  }

  private metricAlert(id: string, suffix: string, timing: Timing, description: string, criteria: MonitorMetricAlertCriteria[]): MonitorMetricAlert {
    return new MonitorMetricAlert(this, id, {
      name: `${this.prefix}-${suffix}`,
      resourceGroupName: this.props.resourceGroupName,
      scopes: [this.props.namespace.id],
      description,
      severity: timing.severity,
      frequency: timing.frequency,
      windowSize: timing.windowSize,
      autoMitigate: true,
      criteria,
      action: [{ actionGroupId: this.actionGroup.id }],
      tags: this.props.tags,
    });
  }

  private criterion(metricName: string, operator: 'GreaterThan' | 'LessThan', threshold: number, entity: string): MonitorMetricAlertCriteria {
    return {
      metricNamespace: EVENT_HUBS_METRIC_NAMESPACE,
      metricName,
      aggregation: 'Total',
      operator,
      threshold,
      dimension: [{ name: 'EntityName', operator: 'Include', values: [entity] }],
    };
  }

  /** Severity, frequency and window with defaults, each checked, and the frequency no longer than the window. */
  private timing(field: string, options: MetricAlertOptions | undefined, defaults: Timing): Timing {
    const timing: Timing = {
      severity: options?.severity ?? defaults.severity,
      frequency: options?.frequency ?? defaults.frequency,
      windowSize: options?.windowSize ?? defaults.windowSize,
    };
    if (Number.isNaN(timing.severity)) {
      this.problems.addConflict(`${field}.severity = NaN is invalid; allowed: an integer from 0 to 4`);
    } else {
      this.problems.integerInRange(`${field}.severity`, timing.severity, 0, 4);
    }
    this.problems.oneOf(`${field}.frequency`, timing.frequency, ALERT_FREQUENCIES);
    this.problems.oneOf(`${field}.windowSize`, timing.windowSize, ALERT_WINDOW_SIZES);
    if (ALERT_FREQUENCIES.includes(timing.frequency) && ALERT_WINDOW_SIZES.includes(timing.windowSize)) {
      if (DURATION_SECONDS[timing.frequency] > DURATION_SECONDS[timing.windowSize]) {
        const allowed = ALERT_FREQUENCIES.filter((f) => DURATION_SECONDS[f] <= DURATION_SECONDS[timing.windowSize]);
        this.problems.add(
          `${field}.frequency`,
          timing.frequency,
          `a frequency no longer than windowSize '${timing.windowSize}': one of ${allowed.map((f) => `'${f}'`).join(', ')}`,
        );
      }
    }
    return timing;
  }

  /** A finite number greater than 0; true when it is one (or an unresolved token). */
  private positive(field: string, value: number, allowed: string): boolean {
    if (Token.isUnresolved(value)) return true;
    if (Number.isFinite(value) && value > 0) return true;
    this.invalidNumber(field, value, allowed);
    return false;
  }

  private atLeastZero(field: string, value: number): void {
    if (Token.isUnresolved(value)) return;
    if (!(Number.isFinite(value) && value >= 0)) this.invalidNumber(field, value, 'a number of requests, 0 or more');
  }

  /** `describe` renders NaN and Infinity as `null`: write them as they were typed instead. */
  private invalidNumber(field: string, value: number, allowed: string): void {
    if (Number.isFinite(value)) this.problems.add(field, value, allowed);
    else this.problems.addConflict(`${field} = ${String(value)} is invalid; allowed: ${allowed}`);
  }
}
