import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { TerraformResource } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import type { Naming } from '../core/naming';
import { Problems } from '../core/problems';
import { DIAGNOSTIC_CATEGORIES, type DiagnosedResourceType, type DiagnosticTarget, isDiagnosedResourceType } from './diagnostic-categories';

/** Log Analytics workspace names: 4–63 letters, digits and hyphens, starting and ending with a letter or digit. */
export const LOG_ANALYTICS_NAME_RULE = {
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/,
  rule: '4–63 letters, digits and hyphens, starting and ending with a letter or digit',
} as const;

export interface LogAnalyticsProps {
  /** The workspace is named `naming.logAnalyticsWorkspace()` (`log-<workload>-<env>-<region>`). */
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Days logs are kept (30–730, the PerGB2018 range). @default 30 */
  readonly retentionDays?: number;
  /**
   * Ingestion cap in GB per day; further data of the day is dropped.
   * @default undefined (no cap)
   */
  readonly dailyQuotaGb?: number;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** A Terraform resource with an Azure resource id (every azurerm resource class). */
export type AzureResource = TerraformResource & { readonly id: string };

export interface DiagnosticsOptions {
  /**
   * The diagnostic setting's name; unique per target resource.
   * @default `diag-<workspace name>`
   */
  readonly name?: string;
}

/** Diagnostic settings created for each resource, for `hasDiagnostics` (and the policy that uses it). */
const SETTINGS_BY_RESOURCE = new WeakMap<IConstruct, MonitorDiagnosticSetting[]>();

/** Whether `node` is an azurerm resource of a type that supports diagnostic settings. */
export function supportsDiagnostics(node: IConstruct): node is AzureResource {
  return TerraformResource.isTerraformResource(node) && isDiagnosedResourceType(node.terraformResourceType);
}

/**
 * Whether every diagnostic setting its type needs (`DIAGNOSTIC_CATEGORIES[type].targets`) was added to
 * `resource` with `LogAnalytics.addDiagnostics`. False for a type that has no diagnostics.
 */
export function hasDiagnostics(resource: IConstruct): boolean {
  if (!supportsDiagnostics(resource)) return false;
  const settings = SETTINGS_BY_RESOURCE.get(resource) ?? [];
  return settings.length >= DIAGNOSTIC_CATEGORIES[resource.terraformResourceType as DiagnosedResourceType].targets.length;
}

/** The diagnostic settings added to `resource` so far. */
export function diagnosticSettingsOf(resource: IConstruct): readonly MonitorDiagnosticSetting[] {
  return SETTINGS_BY_RESOURCE.get(resource) ?? [];
}

/**
 * One Log Analytics workspace per environment (PerGB2018), and the diagnostic settings that send each
 * resource's logs and metrics to it, with the categories of `DIAGNOSTIC_CATEGORIES`.
 *
 * @example
 * const logs = new LogAnalytics(this, 'Logs', { naming, resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope', retentionDays: 365 });
 * logs.addDiagnostics('EventHubs', namespace.resource);
 */
export class LogAnalytics extends Construct {
  /** The underlying workspace (escape hatch). */
  public readonly resource: LogAnalyticsWorkspace;
  public readonly name: string;
  public readonly retentionDays: number;
  private readonly problems: Problems;

  public constructor(scope: Construct, id: string, props: LogAnalyticsProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    this.name = props.naming.logAnalyticsWorkspace();
    this.retentionDays = props.retentionDays ?? 30;
    this.problems.matches('name', this.name, LOG_ANALYTICS_NAME_RULE.pattern, LOG_ANALYTICS_NAME_RULE.rule);
    this.problems.integerInRange('retentionDays', this.retentionDays, 30, 730);
    const quota = props.dailyQuotaGb;
    if (quota !== undefined && !(Number.isFinite(quota) && quota > 0)) {
      this.problems.add('dailyQuotaGb', Number.isFinite(quota) ? quota : String(quota), 'a number of GB greater than 0, or undefined for no cap');
    }

    this.resource = new LogAnalyticsWorkspace(this, 'Workspace', {
      name: this.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'PerGB2018',
      retentionInDays: this.retentionDays,
      dailyQuotaGb: quota,
      // Diagnostic settings write through Azure Monitor, not with the workspace's shared keys.
      localAuthenticationEnabled: false,
      tags: props.tags,
    });
  }

  /** The workspace's resource id. */
  public get id(): string {
    return this.resource.id;
  }

  /**
   * Sends a resource's logs and metrics here: one `azurerm_monitor_diagnostic_setting` per target of its
   * type (for a storage account, the account's metrics and the blob service's logs). A resource type
   * without diagnostics is a problem.
   */
  public addDiagnostics(id: string, resource: AzureResource, options: DiagnosticsOptions = {}): MonitorDiagnosticSetting[] {
    const type = resource.terraformResourceType;
    if (!isDiagnosedResourceType(type)) {
      this.problems.add(`diagnostics.${id}`, type, `a resource type with diagnostic settings: ${Object.keys(DIAGNOSTIC_CATEGORIES).join(', ')}`);
      return [];
    }
    const name = options.name ?? `diag-${this.name}`;
    const targets: readonly DiagnosticTarget[] = DIAGNOSTIC_CATEGORIES[type].targets;
    const settings = targets.map(
      (target) =>
        new MonitorDiagnosticSetting(this, target.subResource ? `${id}${target.subResource.replace(/\//g, '-')}` : id, {
          name,
          targetResourceId: `${resource.id}${target.subResource}`,
          logAnalyticsWorkspaceId: this.resource.id,
          logAnalyticsDestinationType: target.destinationType,
          enabledLog: target.logCategoryGroup ? [{ categoryGroup: target.logCategoryGroup }] : undefined,
          enabledMetric: target.metricCategories.length > 0 ? target.metricCategories.map((category) => ({ category })) : undefined,
        }),
    );
    SETTINGS_BY_RESOURCE.set(resource, [...(SETTINGS_BY_RESOURCE.get(resource) ?? []), ...settings]);
    return settings;
  }
}
