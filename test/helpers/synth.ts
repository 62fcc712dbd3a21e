import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { type App, type TerraformResource, TerraformStack, Testing } from 'cdktf';
import type { IConstruct } from 'constructs';
import { collectProblems } from '../../constructs/core/synthesis';

export type TerraformJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  variable?: Record<string, Record<string, unknown>>;
  terraform?: Record<string, unknown>;
  provider?: Record<string, unknown[]>;
};

/** A fresh stack with an azurerm provider, to put constructs under test in. */
export function testStack(id = 'test'): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return stack;
}

/** The synthesized JSON of a stack, parsed, without running validations (tests read them separately). */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack, false));
}

/** Every resource body of one type, keyed by logical id, with cdktf's `//` metadata removed. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {};
  for (const [key, body] of Object.entries(json.resource?.[type] ?? {})) {
    const { '//': _metadata, ...rest } = body;
    result[key] = rest;
  }
  return result;
}

/** The single resource of a type (fails the test when there are none or several). */
export function onlyResource(json: TerraformJson, type: string): Record<string, unknown> {
  const bodies = Object.values(resourcesOf(json, type));
  if (bodies.length !== 1) throw new Error(`expected exactly one ${type}, found ${bodies.length}`);
  return bodies[0];
}

/** All problems under a construct, as `[path] message`. */
export function problemsOf(scope: IConstruct): string[] {
  return collectProblems(scope);
}

export function newApp(): App {
  return Testing.app();
}

/** The synthesized reference to a resource attribute, as `${type.logicalId.attribute}`. */
export function refOf(resource: TerraformResource, attribute: string): string {
  return `\${${resource.terraformResourceType}.${TerraformStack.of(resource).getLogicalId(resource)}.${attribute}}`;
}

/** The stream jobs (their tasks run notebooks), without the monitoring jobs that evaluate SQL alerts. */
export function streamJobsOf(json: TerraformJson): Array<Record<string, unknown>> {
  return Object.values(resourcesOf(json, 'databricks_job')).filter((job) =>
    ((job.task ?? []) as Array<Record<string, unknown>>).some((task) => task.notebook_task !== undefined),
  );
}
