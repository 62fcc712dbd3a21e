import { DefaultTokenResolver, StringConcat, type TerraformResource, TerraformStack, Token, Tokenization } from 'cdktf';

/** How a finding is reported: `error` fails synthesis, `warning` is printed. */
export type PolicyLevel = 'error' | 'warning';

/**
 * The outcome of one rule on one resource. `not-applicable` covers values that are known only at
 * apply time (unresolved tokens: variables, references to other resources): a rule cannot judge
 * them at synth and does not guess.
 */
export type PolicyCompliance = 'compliant' | 'non-compliant' | 'not-applicable';

/** What the aspect knows about where it runs. */
export interface PolicyContext {
  /** The environment's name, for messages. @default undefined */
  readonly environment?: string;
  /**
   * Turns on the rules meant for production only (a flag of the environment's config, never its name).
   * @default false (production-only rules are off)
   */
  readonly production?: boolean;
}

/** One policy, in the style of a cdk-nag v2 rule: one file per rule under `rules/`. */
export interface PolicyRule {
  /** Stable id, used in messages and suppressions, e.g. `SP-TLS1`. */
  readonly id: string;
  /** What the rule requires, as one sentence (it appears in every finding). */
  readonly description: string;
  readonly level: PolicyLevel;
  /** The provider classes' `tfResourceType` values the rule checks, e.g. `azurerm_eventhub_namespace`. */
  readonly resourceTypes: readonly string[];
  /** Whether the rule runs at all in this context. @default always */
  readonly enabled?: (context: PolicyContext) => boolean;
  /** What to change on a resource of `resourceType` to comply. */
  fix(resourceType: string): string;
  /** Judges a resource of one of `resourceTypes` from its configured inputs and the provider's defaults. */
  check(resource: TerraformResource, context: PolicyContext): PolicyCompliance;
}

/** A value known only at apply time. */
export const UNRESOLVED: unique symbol = Symbol('unresolved');
export type Unresolved = typeof UNRESOLVED;

/**
 * The configured value of a top-level argument: an escape-hatch override (`addOverride('name', ...)`
 * or `addOverride('name.nested', ...)`) wins over the typed input, as it does in the synthesized JSON.
 * Overridden values are in Terraform's snake_case; read block fields with `fieldOf`, which takes both.
 */
export function configured(resource: TerraformResource, argument: string, input: unknown): unknown {
  const overridden = resource.toMetadata() as { overrides?: Record<string, readonly string[]> };
  if (!overridden.overrides?.[resource.terraformResourceType]?.includes(argument)) return input;
  const json = resource.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  return json.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId]?.[argument];
}

/** A boolean argument, with the provider's default when it is not set. */
export function booleanOf(value: unknown, providerDefault: boolean): boolean | Unresolved {
  if (value === undefined || value === null) return providerDefault;
  if (typeof value === 'boolean') return value;
  return UNRESOLVED;
}

/** A string argument, with the provider's default when it is not set. */
export function stringOf(value: unknown, providerDefault?: string): string | undefined | Unresolved {
  if (value === undefined || value === null) return providerDefault;
  if (typeof value === 'string' && !Token.isUnresolved(value)) return value;
  return UNRESOLVED;
}

/** The single (first) block of a block argument, whether given as an object or a one-element list. */
export function blockOf(value: unknown): Record<string, unknown> | undefined | Unresolved {
  if (value === undefined || value === null) return undefined;
  if (Token.isUnresolved(value)) return UNRESOLVED;
  const block = Array.isArray(value) ? value[0] : value;
  if (block === undefined || block === null) return undefined;
  if (typeof block !== 'object' || Token.isUnresolved(block)) return UNRESOLVED;
  return block as Record<string, unknown>;
}

/** A field of a block, whether the block came from the typed input (camelCase) or an override (snake_case). */
export function fieldOf(block: Record<string, unknown>, camelCase: string, snakeCase: string): unknown {
  return block[camelCase] ?? block[snakeCase];
}

/**
 * Whether a resource of the same stack refers to `resource` (an argument set to one of its attributes):
 * `candidates` are the resources that could, `reference` reads the argument from one of them.
 */
export function isReferencedBy<T extends TerraformResource>(
  resource: TerraformResource,
  attribute: string,
  candidates: new (...args: never[]) => T,
  reference: (candidate: T) => unknown,
): boolean {
  const stack = TerraformStack.of(resource);
  const resolve = (value: unknown) => Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  const target = resolve(resource.getStringAttribute(attribute));
  return stack.node.findAll().some((c) => c instanceof candidates && resolve(reference(c as T)) === target);
}
