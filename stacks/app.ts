import { App } from 'cdktf';
import { MedallionPipeline } from '../constructs/patterns/medallion-pipeline';
import type { StreamDefinition } from '../constructs/streams/stream-definition';
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
  return stacks;
}

/**
 * Adds one stream to an environment: its event hub, listen rule and secret in the platform stack, its
 * jobs in the workspace stack, capture as the environment configures it.
 */
export function addStream(stacks: EnvironmentStacks, definition: StreamDefinition): MedallionPipeline {
  const { platform, workspace } = stacks;
  const capture = platform.config.eventHubs.capture;
  const pipeline = new MedallionPipeline(platform, `Stream-${definition.name}`, {
    definition,
    namespace: platform.namespace,
    keyVault: platform.keyVault,
    lake: platform.lake,
    capture: capture.enabled ? { intervalSeconds: capture.intervalSeconds, sizeLimitBytes: capture.sizeLimitBytes } : false,
    jobs: workspace,
  });
  stacks.pipelines.push(pipeline);
  return pipeline;
}

/** The default app: every environment, from the given configurations. */
export function buildApp(environments: readonly EnvironmentConfig[], outdir: string, problems: readonly string[] = []): App {
  const app = new App({ outdir, skipValidation: false });
  // Problems of the overrides themselves (unknown keys, wrong types) are reported with all the others.
  app.node.addValidation({ validate: () => [...problems] });
  for (const config of environments) addEnvironment(app, config);
  return app;
}
