import { Token } from 'cdktf';
import type { IConstruct, IValidation } from 'constructs';

/**
 * Collects every problem of one construct's props so that synth reports them all at once.
 *
 * Constructs record problems instead of throwing: a throw would stop at the first bad value of the
 * first construct, while a validation is collected across the whole app (see `collectProblems`).
 */
export class Problems implements IValidation {
  private readonly messages: string[] = [];

  /** Registers a new collector as a validation of `scope`. */
  public static of(scope: IConstruct): Problems {
    const problems = new Problems();
    scope.node.addValidation(problems);
    return problems;
  }

  /** Records `field = value` as invalid with what is allowed instead. */
  public add(field: string, value: unknown, allowed: string): void {
    this.messages.push(`${field} = ${describe(value)} is invalid; allowed: ${allowed}`);
  }

  /** Records a problem that concerns several fields together. */
  public addConflict(message: string): void {
    this.messages.push(message);
  }

  /** An integer within [min, max]; unresolved tokens are skipped (their value is known only at apply). */
  public integerInRange(field: string, value: number | undefined, min: number, max: number, context = ''): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.add(field, value, `an integer from ${min} to ${max}${context}`);
    }
  }

  /** One of a fixed set of values. */
  public oneOf<T>(field: string, value: T | undefined, allowed: readonly T[]): void {
    if (value === undefined || (typeof value === 'string' && Token.isUnresolved(value))) return;
    if (!allowed.includes(value)) {
      this.add(field, value, `one of ${allowed.map((a) => describe(a)).join(', ')}`);
    }
  }

  /** A string matching `pattern`, described to the user as `rule`. */
  public matches(field: string, value: string | undefined, pattern: RegExp, rule: string): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!pattern.test(value)) this.add(field, value, rule);
  }

  public validate(): string[] {
    return [...this.messages];
  }
}

/** Renders a value the way a user typed it: strings quoted, everything else as JSON. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}
