import { type IAspect, TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { type AnnotationLevel, annotate } from '../core/annotations';
import type { PolicyContext, PolicyLevel, PolicyRule } from './rule';
import { PLATFORM_POLICY_RULES } from './ruleset';
import { findPolicySuppression } from './suppressions';

export interface PolicyAspectOptions extends PolicyContext {
  /** @default PLATFORM_POLICY_RULES */
  readonly rules?: readonly PolicyRule[];
}

/**
 * Checks every resource under the scope it is added to against policy rules, cdk-nag style
 * (`Aspects.of(stack).add(new PolicyAspect({ environment: 'prod', production: true }))`): an `error` rule's finding is an
 * error annotation (synthesis fails), a `warning` rule's a warning, a suppressed finding an info that
 * says why. Every message starts with `[<rule id>]` and names the resource path and the fix.
 *
 * cdktf runs aspects on each synthesis pass (`collectProblems`, then `app.synth`): a node is checked once
 * per aspect instance, and a message already on a node is never added again.
 *
 * Add it to each stack: cdktf invokes aspects from the stacks down, so one added to the App never runs.
 *
 * @example
 * Aspects.of(platformStack).add(new PolicyAspect({ environment: config.name, production: config.production }));
 * suppressPolicy(platformStack.namespace, 'SP-NET1', 'dev uses public network mode; no private endpoints here');
 */
export class PolicyAspect implements IAspect {
  public readonly rules: readonly PolicyRule[];
  private readonly context: PolicyContext;
  private readonly visited = new WeakSet<IConstruct>();

  public constructor(options: PolicyAspectOptions = {}) {
    const { rules, ...context } = options;
    this.rules = rules ?? PLATFORM_POLICY_RULES;
    this.context = context;
    const ids = this.rules.map((rule) => rule.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (duplicates.length > 0) throw new Error(`PolicyAspect: rule ids must be unique; repeated: ${[...new Set(duplicates)].join(', ')}`);
  }

  public visit(node: IConstruct): void {
    if (this.visited.has(node)) return;
    this.visited.add(node);
    if (!TerraformResource.isTerraformResource(node)) return;
    for (const rule of this.rules) {
      if (!rule.resourceTypes.includes(node.terraformResourceType)) continue;
      if (rule.enabled && !rule.enabled(this.context)) continue;
      if (rule.check(node, this.context) !== 'non-compliant') continue;
      const where = `${node.node.path} (${node.terraformResourceType})`;
      const suppression = findPolicySuppression(node, rule.id);
      if (suppression) {
        annotate(node, 'info', `[${rule.id}] ${where} is non-compliant but suppressed on ${suppression.scope.node.path}: ${suppression.reason}`);
      } else {
        annotate(
          node,
          ANNOTATION_LEVEL[rule.level],
          `[${rule.id}] ${where} is non-compliant: ${rule.description}. Fix: ${rule.fix(node.terraformResourceType)}`,
        );
      }
    }
  }
}

/** Policy levels as annotation levels. */
const ANNOTATION_LEVEL: Readonly<Record<PolicyLevel, AnnotationLevel>> = { error: 'error', warning: 'warn' };
