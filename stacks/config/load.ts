import * as fs from 'node:fs';
import { describe } from '../../constructs/core/problems';
import { DEFAULT_ENVIRONMENTS } from './defaults';
import type { EnvironmentConfig, EnvironmentOverride } from './environment';

export interface LoadedEnvironments {
  readonly environments: EnvironmentConfig[];
  /** Problems of the overrides themselves (unknown keys, wrong types), as full messages. */
  readonly problems: string[];
}

/** Where overrides come from, merged in this order over the embedded defaults. */
export interface OverrideSources {
  /** cdktf.json `context.environments` (or `app.node.getContext('environments')`). */
  readonly context?: unknown;
  /** Path of a JSON file `{ "<env>": { ...override } }`, from `PLATFORM_CONFIG`. */
  readonly file?: string;
  /** Restrict to these environment names. @default every environment */
  readonly only?: readonly string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges `override` over `base`, reporting keys `base` doesn't have and values whose JSON type
 * differs from the default's (a typo in an override must not be ignored silently).
 * `backend` is replaced whole, since its shape depends on its `type`.
 */
function merge(base: Json, override: unknown, path: string, problems: string[]): Json {
  if (!isObject(override)) {
    problems.push(`[config] ${path} = ${describe(override)} is invalid; allowed: an object`);
    return base;
  }
  const result: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const here = `${path}.${key}`;
    if (!(key in base)) {
      problems.push(`[config] ${here} is not a known setting; allowed: ${Object.keys(base).join(', ')}`);
      continue;
    }
    const current = base[key];
    if (key === 'backend' || key === 'tags') {
      result[key] = value;
    } else if (isObject(current)) {
      result[key] = merge(current, value, here, problems);
    } else if (Array.isArray(current) !== Array.isArray(value) || typeof current !== typeof value) {
      problems.push(`[config] ${here} = ${describe(value)} is invalid; allowed: a ${Array.isArray(current) ? 'list' : typeof current}`);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function readFile(file: string, problems: string[]): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`[config] PLATFORM_CONFIG file '${file}' could not be read as JSON: ${(error as Error).message}`);
    return {};
  }
}

/** The environments of the default app: embedded defaults, then context overrides, then the file's. */
export function loadEnvironments(sources: OverrideSources = {}): LoadedEnvironments {
  const problems: string[] = [];
  const merged: Record<string, Json> = {};
  for (const [name, config] of Object.entries(DEFAULT_ENVIRONMENTS)) merged[name] = config as unknown as Json;
  const layers: Array<[string, unknown]> = [['context.environments', sources.context]];
  if (sources.file) layers.push([sources.file, readFile(sources.file, problems)]);
  for (const [origin, layer] of layers) {
    if (layer === undefined) continue;
    if (!isObject(layer)) {
      problems.push(`[config] ${origin} = ${describe(layer)} is invalid; allowed: an object keyed by environment name`);
      continue;
    }
    for (const [name, override] of Object.entries(layer as Record<string, EnvironmentOverride>)) {
      // A new environment starts from dev's defaults under its own name.
      const base = merged[name] ?? { ...merged.dev, name, shortName: name.slice(0, 4) };
      merged[name] = merge(base, override, `environments.${name}`, problems);
    }
  }
  const only = sources.only;
  for (const name of only ?? []) {
    if (!(name in merged)) problems.push(`[config] environment '${name}' is not defined; defined: ${Object.keys(merged).join(', ')}`);
  }
  const environments = Object.values(merged)
    .filter((config) => !only || only.includes(String(config.name)))
    .map((config) => config as unknown as EnvironmentConfig);
  return { environments, problems };
}
