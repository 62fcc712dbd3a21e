import { App } from 'cdktf';
import type { EnvironmentConfig } from './config/environment';
import { PlatformStack } from './platform-stack';

export interface EnvironmentStacks {
  readonly platform: PlatformStack;
}

/** Adds the stacks of one environment to an app: `<env>-platform` (Azure). */
export function addEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const platform = new PlatformStack(app, `${config.name}-platform`, { config });
  return { platform };
}

/** The default app: every environment, from the given configurations. */
export function buildApp(environments: readonly EnvironmentConfig[], outdir: string, problems: readonly string[] = []): App {
  const app = new App({ outdir, skipValidation: false });
  // Problems of the overrides themselves (unknown keys, wrong types) are reported with all the others.
  app.node.addValidation({ validate: () => [...problems] });
  for (const config of environments) addEnvironment(app, config);
  return app;
}
