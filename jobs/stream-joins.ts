import type { StreamSpecV1 } from '../constructs/streams/stream-spec';

/** The specs of an environment's streams, by name, as the workspace knows them when the app is validated. */
export type StreamSpecLookup = (name: string) => StreamSpecV1 | undefined;

/** The `join_specs` task parameter: the spec of each stream the joins name, by name (medallion/jobs.py reads it). */
export function joinSpecsParameter(spec: StreamSpecV1, lookup: StreamSpecLookup): string {
  const named = (spec.joins ?? []).map((join) => [join.stream, lookup(join.stream)] as const).filter(([, other]) => other !== undefined);
  return JSON.stringify(Object.fromEntries(named));
}

/** One problem, in the three parts `Problems.add` takes. */
export interface JoinProblem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

/**
 * What only the two streams together tell (the spec validation checks each alone): the other stream exists in
 * the environment, each key is a field of both of one type, each column is a field of the other.
 */
export function joinProblems(spec: StreamSpecV1, lookup: StreamSpecLookup, streams: readonly string[]): JoinProblem[] {
  const problems: JoinProblem[] = [];
  (spec.joins ?? []).forEach((join, i) => {
    const at = `streams.${spec.name}.joins[${i}]`;
    const other = lookup(join.stream);
    if (other === undefined) {
      const others = streams.filter((name) => name !== spec.name);
      problems.push({ field: `${at}.stream`, value: join.stream, allowed: `a stream of this environment: ${others.join(', ') || 'it has no other'}` });
      return;
    }
    const mine = new Map(spec.schema.fields.map((f) => [f.name, f.type]));
    const theirs = new Map(other.schema.fields.map((f) => [f.name, f.type]));
    join.keys.forEach((key, k) => {
      const type = theirs.get(key);
      if (type === undefined) problems.push({ field: `${at}.keys[${k}]`, value: key, allowed: `a field of stream ${other.name} too` });
      else if (type !== mine.get(key))
        problems.push({
          field: `${at}.keys[${k}]`,
          value: key,
          allowed: `a field of one type in both streams (${mine.get(key)} here, ${type} in stream ${other.name})`,
        });
    });
    join.columns.forEach((column, k) => {
      if (!theirs.has(column))
        problems.push({ field: `${at}.columns[${k}]`, value: column, allowed: `a field of stream ${other.name}: ${[...theirs.keys()].join(', ')}` });
    });
  });
  return problems;
}
