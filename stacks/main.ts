import * as path from 'node:path';
import { stagingDirFor, synthesizeOrExit } from '../constructs/core/synthesis';
import { buildApp } from './app';
import { loadEnvironments } from './config/load';

/**
 * The app cdktf.json runs: every environment, embedded defaults overridden by cdktf.json's
 * `context.environments` and by the JSON file named in `PLATFORM_CONFIG`.
 * `PLATFORM_ENVIRONMENTS=dev,prod` restricts it to some environments.
 */
function main(): void {
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const context = readContext();
  const only = process.env.PLATFORM_ENVIRONMENTS?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const { environments, problems } = loadEnvironments({ context: context.environments, file: process.env.PLATFORM_CONFIG, only });
  const app = buildApp(environments, stagingDirFor(outdir), problems);
  synthesizeOrExit(app, outdir);
}

/** cdktf passes cdktf.json's `context` through CDKTF_CONTEXT_JSON; plain `node` runs read cdktf.json. */
function readContext(): Record<string, unknown> {
  if (process.env.CDKTF_CONTEXT_JSON) return JSON.parse(process.env.CDKTF_CONTEXT_JSON);
  try {
    return require(path.resolve('cdktf.json')).context ?? {};
  } catch {
    return {};
  }
}

main();
