import { App, Aspects, type IAspect, TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { Problems } from '../constructs/core/problems';
import { MedallionPipeline } from '../constructs/patterns/medallion-pipeline';
import type { PipelineAuth } from '../constructs/patterns/stream-auth';
import { PolicyAspect } from '../constructs/policies/policy-aspect';
import { PreventDestroyRule } from '../constructs/policies/rules/prevent-destroy';
import { suppressPolicy } from '../constructs/policies/suppressions';
import type { StreamDefinition } from '../constructs/streams/stream-definition';
import { type SourceDefaults, toStreamSpec } from '../constructs/streams/stream-spec';
import type { EnvironmentConfig } from './config/environment';
import { PlatformStack } from './platform-stack';
import { EXAMPLE_STREAMS } from './streams';
import { WorkspaceStack } from './workspace-stack';

export interface EnvironmentStacks {
  readonly platform: PlatformStack;
  readonly workspace: WorkspaceStack;
  readonly pipelines: MedallionPipeline[];
}

/**
 * Adds the two stacks of one environment to an app, `<env>-platform` (Azure) and `<env>-workspace`
 * (Databricks, which depends on the platform stack through cross-stack references, so cdktf deploys
 * the platform first), and one medallion pipeline per stream.
 */
export function addEnvironment(app: App, config: EnvironmentConfig, streams: readonly StreamDefinition[] = EXAMPLE_STREAMS): EnvironmentStacks {
  const platform = new PlatformStack(app, `${config.name}-platform`, { config });
  const workspace = new WorkspaceStack(app, `${config.name}-workspace`, { config, platform, workspace: platform.databricks });
  const stacks: EnvironmentStacks = { platform, workspace, pipelines: [] };
  for (const definition of streams) addStream(stacks, definition);
  applyPolicies(config, platform, workspace);
  return stacks;
}

/**
 * The platform policies on both stacks (cdktf runs aspects from the stacks, not from the app), with
 * the environment's deliberate exceptions: public mode's open endpoints are suppressed with the
 * reason, and a production environment's stateful resources cannot be destroyed by Terraform.
 */
function applyPolicies(config: EnvironmentConfig, platform: PlatformStack, workspace: WorkspaceStack): void {
  if (config.production) Aspects.of(platform).add(new PreventDestroyAspect());
  for (const stack of [platform, workspace]) Aspects.of(stack).add(new PolicyAspect({ environment: config.name, production: config.production }));
  if (config.network.mode === 'public' && config.network.allowedIpRanges.length === 0) {
    const reason = `${config.name} uses public network mode without allowedIpRanges: the endpoints accept any source address and rely on Entra ID and SAS authentication; set network.mode 'private' or allowedIpRanges to comply`;
    for (const construct of [platform.lake, platform.namespace, platform.keyVault]) suppressPolicy(construct, 'SP-NET1', reason);
  }
}

/**
 * `lifecycle.prevent_destroy` on every resource SP-LC1 names (losing one loses data or the stream).
 * An aspect, so streams added after `addEnvironment` are protected too; added before the policy aspect,
 * so it runs first on each resource.
 */
class PreventDestroyAspect implements IAspect {
  public visit(node: IConstruct): void {
    if (TerraformResource.isTerraformResource(node) && PreventDestroyRule.resourceTypes.includes(node.terraformResourceType)) {
      node.lifecycle = { ...node.lifecycle, preventDestroy: true };
    }
  }
}

/**
 * Adds one stream to an environment: its event hub, listen rule and secret in the platform stack, its
 * pipeline job in the workspace stack, capture as the environment configures it.
 *
 * A stream whose name or event hub another stream of the environment already has is reported as one
 * problem naming both, and not added (the earlier stream is returned).
 */
export function addStream(stacks: EnvironmentStacks, definition: StreamDefinition): MedallionPipeline {
  const clash = clashingStream(stacks, definition);
  if (clash) return clash;
  const { platform, workspace } = stacks;
  const capture = platform.config.eventHubs.capture;
  const pipeline = new MedallionPipeline(platform, `Stream-${definition.name}`, {
    definition,
    namespace: platform.namespace,
    keyVault: platform.keyVault,
    lake: platform.lake,
    capture: capture.enabled ? { intervalSeconds: capture.intervalSeconds, sizeLimitBytes: capture.sizeLimitBytes } : false,
    auth: pipelineAuth(platform, definition),
    jobs: workspace,
    alerts: { target: platform.alerts, lagFactor: platform.config.monitoring.lagFactor },
    sourceDefaults: sourceDefaultsOf(platform.config),
  });
  stacks.pipelines.push(pipeline);
  return pipeline;
}

/**
 * The environment's auth for a stream on the Kafka endpoint (`config.eventHubs.auth`); the eventhubs connector
 * takes only a connection string. With Entra ID the job reads as the access connector's identity (Unity
 * Catalog's service credential) or as the configured Entra application.
 */
function pipelineAuth(platform: PlatformStack, definition: StreamDefinition): PipelineAuth {
  const { eventHubs, databricks } = platform.config;
  if (eventHubs.auth !== 'entra' || definition.source.type !== 'kafka') return { type: 'sas' };
  const principalId = databricks.unityCatalog ? platform.databricks.accessConnectorPrincipalId : eventHubs.entraClient.objectId;
  return { type: 'entra', reader: { principalId } };
}

/** The sizing a stream of this environment gets when its definition sets none. */
function sourceDefaultsOf(config: EnvironmentConfig): SourceDefaults {
  return { partitions: config.eventHubs.defaultPartitions, retentionDays: config.eventHubs.defaultRetentionDays };
}

/** The environment's stream that `definition` would collide with (name or event hub), reported as a problem. */
function clashingStream(stacks: EnvironmentStacks, definition: StreamDefinition): MedallionPipeline | undefined {
  const eventHub = toStreamSpec(definition).source.eventHubName;
  const environment = stacks.platform.config.name;
  const position = stacks.pipelines.length + 1;
  for (const [index, pipeline] of stacks.pipelines.entries()) {
    const other = `stream #${index + 1} '${pipeline.spec.name}'`;
    if (pipeline.spec.name === definition.name) {
      Problems.of(stacks.platform).addConflict(
        `streams: ${other} and stream #${position} '${definition.name}' have the same name; each stream of environment ${environment} needs its own name`,
      );
      return pipeline;
    }
    if (pipeline.spec.source.eventHubName === eventHub) {
      Problems.of(stacks.platform).addConflict(
        `streams: ${other} and stream #${position} '${definition.name}' both read event hub '${eventHub}'; each stream of environment ${environment} needs its own event hub (source.eventHubName)`,
      );
      return pipeline;
    }
  }
  return undefined;
}

/** The default app: every environment, from the given configurations. */
export function buildApp(environments: readonly EnvironmentConfig[], outdir: string, problems: readonly string[] = []): App {
  const app = new App({ outdir, skipValidation: false });
  // Problems of the overrides themselves (unknown keys, wrong types) are reported with all the others.
  app.node.addValidation({ validate: () => [...problems] });
  for (const config of environments) addEnvironment(app, config);
  return app;
}
