import type { IConstruct } from 'constructs';
import { annotate } from '../core/annotations';

/** The metadata type under which suppressions are recorded on a construct. */
export const POLICY_SUPPRESSIONS_METADATA = 'policy-suppressions';

/** The shortest reason a suppression accepts (cdk-nag's rule): say why, not just "ok". */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

/** One accepted exception to a rule. */
export interface PolicySuppression {
  readonly ruleId: string;
  readonly reason: string;
}

/** A suppression found for a resource, with the construct it was recorded on (the resource or a parent). */
export interface AppliedSuppression extends PolicySuppression {
  readonly scope: IConstruct;
}

/**
 * Accepts the findings of rule `ruleId` on `construct` and everything under it (suppressing on an L2
 * construct such as `EventHubNamespace` covers its inner resource). Recorded in the construct's
 * metadata as `{ ruleId, reason }` under `policy-suppressions`; suppressed findings are reported as info.
 *
 * A reason shorter than 10 characters (after trimming) is not recorded and is itself an error annotation,
 * so synthesis fails until the reason is written out.
 *
 * @example
 * suppressPolicy(platform.namespace, 'SP-NET1', 'dev uses public network mode; no private endpoints here');
 */
export function suppressPolicy(construct: IConstruct, ruleId: string, reason: string): void {
  const trimmed = reason.trim();
  if (trimmed.length < MIN_SUPPRESSION_REASON_LENGTH) {
    annotate(
      construct,
      'error',
      `[${POLICY_SUPPRESSIONS_METADATA}] the suppression of ${ruleId} needs a reason of at least ${MIN_SUPPRESSION_REASON_LENGTH} characters; got '${trimmed}' (${trimmed.length})`,
    );
    return;
  }
  const suppression: PolicySuppression = { ruleId, reason: trimmed };
  construct.node.addMetadata(POLICY_SUPPRESSIONS_METADATA, suppression);
}

/** The suppressions recorded on `construct` itself (not its parents). */
export function policySuppressionsOf(construct: IConstruct): PolicySuppression[] {
  return construct.node.metadata.filter((entry) => entry.type === POLICY_SUPPRESSIONS_METADATA).map((entry) => entry.data as PolicySuppression);
}

/** The suppression of `ruleId` that covers `construct`: on itself or the nearest parent that has one. */
export function findPolicySuppression(construct: IConstruct, ruleId: string): AppliedSuppression | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = policySuppressionsOf(scope).find((suppression) => suppression.ruleId === ruleId);
    if (found) return { ...found, scope };
  }
  return undefined;
}
