import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describe } from '../core/problems';
import { validate as precompiled } from './stream-spec-validator.generated';

/**
 * Validation of a stream spec v1 document, the TypeScript twin of `notebooks/medallion/spec.py`:
 * first the JSON Schema (the same file the Python side loads a copy of), then the cross-field checks
 * the schema cannot express, exactly as `_Semantics` does. Every problem is reported at once.
 */

/** One problem of a spec: where (`$.source.partitions`, `$.windows[0].slide`) and what, in the project's message style. */
export interface StreamSpecProblem {
  readonly path: string;
  readonly message: string;
}

export const STREAM_SPEC_SCHEMA_FILE = 'stream-spec.v1.schema.json';

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['double', 'long', 'integer']);
/** Field types compared for equality (dimensions, a threshold's condition), and the values each takes. */
const DISCRETE_VALUES: Readonly<Record<string, { readonly fits: (value: unknown) => boolean; readonly allowed: string }>> = {
  string: { fits: (value) => typeof value === 'string', allowed: 'a string' },
  long: { fits: Number.isInteger, allowed: 'a whole number' },
  integer: { fits: Number.isInteger, allowed: 'a whole number' },
  boolean: { fits: (value) => typeof value === 'boolean', allowed: 'true or false' },
};
const DISCRETE_TYPES: ReadonlySet<string> = new Set(Object.keys(DISCRETE_VALUES));
const FIELD_TYPES: ReadonlySet<string> = new Set(['string', 'double', 'long', 'integer', 'boolean', 'timestamp']);
const DURATION_PATTERN = /^([1-9][0-9]*) (second|minute|hour|day)s?$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/** A pattern's rule in words: the schema's `x-allowed` annotation beside it, else the regular expression itself. */
function patternRule(node: Record<string, unknown>): string {
  return typeof node['x-allowed'] === 'string' ? node['x-allowed'] : `strings matching ${String(node.pattern)}`;
}

/**
 * The path of `schema/stream-spec.v1.schema.json`, resolved relative to this module: two levels up from the
 * source (`constructs/streams/`), three from the compiled package (`dist/constructs/streams/`).
 */
export function streamSpecSchemaPath(): string {
  const candidates = [join(__dirname, '..', '..', 'schema', STREAM_SPEC_SCHEMA_FILE), join(__dirname, '..', '..', '..', 'schema', STREAM_SPEC_SCHEMA_FILE)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`stream spec schema not found; looked at: ${candidates.join(', ')}`);
  return found;
}

/**
 * The schema's validator, compiled ahead of time by `scripts/compile-spec-validator.js` (ajv standalone, with the
 * options this module's messages rely on): compiling it here cost about 300 ms per process.
 */
const schemaValidator = precompiled as unknown as ValidateFunction;

/** Every problem of a parsed spec document (schema first, then cross-field checks); empty when valid. */
export function validateStreamSpec(spec: unknown): StreamSpecProblem[] {
  const problems: StreamSpecProblem[] = [];
  if (!schemaValidator(spec)) {
    for (const error of schemaValidator.errors ?? []) problems.push(...translate(error, spec));
  }
  if (isMapping(spec)) problems.push(...new Semantics(spec).run());
  const reported = isMapping(spec) && problems.length > 0 ? withRenamedKeys(spec, problems) : problems;
  const unique = new Map<string, StreamSpecProblem>();
  for (const problem of reported) {
    const key = `${problem.path}\u0000${problem.message}`;
    if (!unique.has(key)) unique.set(key, problem);
  }
  return [...unique.values()];
}

/** Keys an earlier spec v1 used (the schema's `x-renamed-keys`): one "renamed" problem each, instead of an unknown and a missing key. */
function withRenamedKeys(spec: Record<string, unknown>, problems: StreamSpecProblem[]): StreamSpecProblem[] {
  let out = problems;
  for (const [old, renamed] of Object.entries(schemaObject(streamSpecSchema()['x-renamed-keys']))) {
    if (typeof renamed !== 'string' || !(old in spec) || renamed in spec) continue;
    const paths = new Set([`$.${old}`, `$.${renamed}`]);
    out = [...out.filter((p) => !paths.has(p.path)), problem(`$.${old}`, 'renamed', spec[old], renamed)];
  }
  return out;
}

// ----------------------------------------------------------------------------- messages

/** `<path> = <value> is invalid: <problem>; allowed: <allowed>`, the project's `field = value is invalid; allowed: ...` style. */
function problem(path: string, what: string, got: unknown, allowed?: string): StreamSpecProblem {
  const text = `${path} = ${describe(got)} is invalid: ${what}`;
  return { path, message: allowed ? `${text}; allowed: ${allowed}` : text };
}

function missing(path: string, propertySchema: unknown): StreamSpecProblem {
  const allowed = allowedBySchema(propertySchema);
  return { path, message: `${path} is required but missing${allowed ? `; allowed: ${allowed}` : ''}` };
}

/** What a property's schema allows, in words: its pattern's rule, an object's required keys, else its description, else its type. */
function allowedBySchema(schema: unknown): string | undefined {
  let node = schemaObject(schema);
  const ref = typeof node.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(node.$ref) : null;
  if (ref) node = schemaObject(schemaObject(streamSpecSchema().$defs)[ref[1]]);
  if (typeof node.pattern === 'string') return patternRule(node);
  if (node.type === 'object' && Array.isArray(node.required)) return `an object with ${node.required.join(', ')}`;
  if (typeof node.description === 'string') return node.description;
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((a) => describe(a)).join(', ')}`;
  const types = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? node.type : [];
  return types.length > 0 ? `a value of type ${types.join(' or ')}` : undefined;
}

let loadedSchema: Record<string, unknown> | undefined;

/** The schema document, read once, for the first spec with a problem (the validator itself is precompiled). */
function streamSpecSchema(): Record<string, unknown> {
  loadedSchema ??= JSON.parse(readFileSync(streamSpecSchemaPath(), 'utf8')) as Record<string, unknown>;
  return loadedSchema;
}

// ----------------------------------------------------------------------------- JSON Schema errors

/** ajv's `/a/0/b` as `$.a[0].b`; a segment is an index only where the document holds an array. */
function jsonPath(instancePath: string, data: unknown): string {
  let out = '$';
  let node: unknown = data;
  if (instancePath === '') return out;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(segment)) {
      out += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      out += `.${segment}`;
      node = isMapping(node) ? node[segment] : undefined;
    }
  }
  return out;
}

function schemaObject(value: unknown): Record<string, unknown> {
  return isMapping(value) ? value : {};
}

function translate(error: ErrorObject, root: unknown): StreamSpecProblem[] {
  const here = jsonPath(error.instancePath, root);
  const parent = schemaObject(error.parentSchema);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      // jsonschema (Python) reports only the failing `then` keywords, which ajv reports as well.
      return [];
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys(schemaObject(parent.properties)).sort();
      const value = isMapping(error.data) ? error.data[name] : undefined;
      return [problem(`${here}.${name}`, 'unknown property', value, known.join(', '))];
    }
    case 'required':
      return [missing(`${here}.${String(params.missingProperty)}`, schemaObject(parent.properties)[String(params.missingProperty)])];
    case 'enum': {
      const allowed = Array.isArray(error.schema) ? error.schema : [];
      return [problem(here, 'not one of the allowed values', error.data, `one of ${allowed.map((a) => describe(a)).join(', ')}`)];
    }
    case 'const':
      return [problem(here, 'unsupported value', error.data, describe(error.schema))];
    case 'pattern':
      return [problem(here, 'invalid format', error.data, patternRule(parent))];
    case 'type': {
      const expected = Array.isArray(error.schema) ? error.schema.join(' or ') : String(error.schema);
      return [problem(here, 'wrong type', error.data, `a value of type ${expected}`)];
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      return [problem(here, 'out of range', error.data, rangeRule(parent))];
    case 'minItems':
      return [problem(here, `needs at least ${String(error.schema)} item(s)`, error.data)];
    case 'uniqueItems':
      return [problem(here, `items must be unique (items ${String(params.j)} and ${String(params.i)} are equal)`, error.data)];
    case 'not':
      return [problem(here, 'property not allowed for this field type', error.data, notHint(here))];
    default:
      return [problem(here, error.message ?? error.keyword, error.data)];
  }
}

function rangeRule(schema: Record<string, unknown>): string {
  const kind = schema.type === 'integer' ? 'an integer' : 'a number';
  const { minimum, maximum, exclusiveMinimum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `${kind} from ${String(minimum)} to ${String(maximum)}`;
  if (minimum !== undefined) return `${kind} >= ${String(minimum)}`;
  if (exclusiveMinimum !== undefined) return `${kind} > ${String(exclusiveMinimum)}`;
  return `${kind} <= ${String(maximum)}`;
}

function notHint(path: string): string | undefined {
  if (path.endsWith('.min') || path.endsWith('.max')) return 'min/max only on double, long, integer fields';
  if (path.endsWith('.allowed')) return 'allowed only on string fields';
  return undefined;
}

// ----------------------------------------------------------------------------- cross-field checks

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function isDuration(value: unknown): value is string {
  return typeof value === 'string' && DURATION_PATTERN.test(value);
}

function toSeconds(duration: string): number {
  const match = DURATION_PATTERN.exec(duration);
  if (match === null) throw new Error(`not a duration: '${duration}'; allowed: '<n> second|minute|hour|day[s]'`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

/** Cross-field checks of spec.py's `_Semantics`, rule for rule. Tolerant of a schema-invalid document so all problems surface together. */
class Semantics {
  private readonly problems: StreamSpecProblem[] = [];
  /** Field name → type, '?' for an unknown type; in schema order. */
  private readonly types = new Map<string, string>();
  private readonly fields = new Map<string, Mapping>();

  public constructor(private readonly data: Mapping) {}

  public run(): StreamSpecProblem[] {
    this.checkFields();
    this.checkKeyFields();
    this.checkStandardize();
    this.checkEnrichment();
    this.checkWindows();
    this.checkAggregation();
    this.checkAnomalies();
    this.checkFeatures();
    this.checkJoins();
    return this.problems;
  }

  private add(path: string, what: string, got: unknown, allowed?: string): void {
    this.problems.push(problem(path, what, got, allowed));
  }

  private list(...keys: string[]): unknown[] {
    let node: unknown = this.data;
    for (const key of keys) node = isMapping(node) ? node[key] : undefined;
    return Array.isArray(node) ? node : [];
  }

  private checkFields(): void {
    this.list('schema', 'fields').forEach((f, i) => {
      if (!isMapping(f) || typeof f.name !== 'string') return;
      const name = f.name;
      if (this.fields.has(name)) {
        this.add(`$.schema.fields[${i}].name`, 'duplicate field name', name);
        return;
      }
      this.fields.set(name, f);
      this.types.set(name, typeof f.type === 'string' && FIELD_TYPES.has(f.type) ? f.type : '?');
      const { min, max } = f;
      if (isNumber(min) && isNumber(max) && min > max) {
        this.add(`$.schema.fields[${i}].min`, `min is greater than max (${max})`, min, `<= ${max}`);
      }
    });
  }

  /** Checks a reference to a field; returns the field's type if the field exists. */
  private ref(path: string, name: unknown, want: ReadonlySet<string> | undefined, what: string): string | undefined {
    if (typeof name !== 'string') return undefined; // the schema already reports a non-string
    const kind = this.types.get(name);
    if (kind === undefined) {
      this.add(path, 'unknown field', name, [...this.types.keys()].join(', ') || 'fields of schema.fields');
      return undefined;
    }
    if (want !== undefined && kind !== '?' && !want.has(kind)) {
      this.add(path, `must be ${what} field (field '${name}' is ${kind})`, name, this.namesOf(want));
    }
    return kind;
  }

  private namesOf(want: ReadonlySet<string>): string {
    const names = [...this.types].filter(([, type]) => want.has(type)).map(([name]) => name);
    return names.length > 0 ? names.join(', ') : `no field of type ${[...want].sort().join('/')}`;
  }

  private checkKeyFields(): void {
    const d = this.data;
    this.ref('$.eventTimeField', d.eventTimeField, new Set(['timestamp']), 'a timestamp');
    this.ref('$.eventIdField', d.eventIdField, new Set(['string']), 'a string');
    this.ref('$.entityField', d.entityField, new Set(['string', 'long', 'integer']), 'a string or integer');
  }

  private checkStandardize(): void {
    this.list('standardize').forEach((s, i) => {
      if (!isMapping(s)) return;
      this.ref(`$.standardize[${i}].field`, s.field, new Set(['double']), 'a double');
      this.ref(`$.standardize[${i}].unitField`, s.unitField, new Set(['string']), 'a string');
      if (s.from !== undefined && s.from !== null && sameJson(s.from, s.to)) {
        this.add(`$.standardize[${i}].to`, "must differ from 'from'", s.to);
      }
    });
  }

  /** Join keys are fields compared for equality; each joined column is new to silver. */
  private checkEnrichment(): void {
    const owners = new Map<string, number>();
    this.list('enrichment').forEach((e, i) => {
      if (!isMapping(e)) return;
      const keys = Array.isArray(e.keys) ? e.keys : [];
      keys.forEach((key, j) => {
        this.ref(`$.enrichment[${i}].keys[${j}]`, key, DISCRETE_TYPES, 'a string, integer or boolean');
      });
      const columns = Array.isArray(e.columns) ? e.columns : [];
      columns.forEach((column, j) => {
        if (typeof column !== 'string') return;
        const path = `$.enrichment[${i}].columns[${j}]`;
        const owner = owners.get(column);
        if (this.types.has(column)) this.add(path, 'already a field of the event', column, 'a column name that is not in schema.fields');
        else if (owner !== undefined && owner !== i) this.add(path, `already joined by enrichment[${owner}]`, column, 'a column no other enrichment adds');
        if (!owners.has(column)) owners.set(column, i);
      });
    });
  }

  private uniqueIds(items: unknown[], base: string): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const id = isMapping(item) ? item.id : undefined;
      if (typeof id !== 'string') return;
      if (seen.has(id)) this.add(`${base}[${i}].id`, 'duplicate id', id);
      seen.add(id);
    });
  }

  private checkWindows(): void {
    const windows = this.list('windows');
    this.uniqueIds(windows, '$.windows');
    windows.forEach((w, i) => {
      if (!isMapping(w) || w.type !== 'sliding') return;
      const { duration, slide } = w;
      if (isDuration(duration) && isDuration(slide) && toSeconds(slide) > toSeconds(duration)) {
        this.add(`$.windows[${i}].slide`, 'slide is longer than the window duration', slide, `<= ${duration}`);
      }
    });
  }

  private checkAggregation(): void {
    this.list('aggregation', 'dimensions').forEach((name, i) => {
      this.ref(`$.aggregation.dimensions[${i}]`, name, DISCRETE_TYPES, 'a string, integer or boolean');
    });
    this.list('aggregation', 'measures').forEach((name, i) => {
      this.ref(`$.aggregation.measures[${i}]`, name, NUMERIC_TYPES, 'a numeric');
    });
  }

  private checkAnomalies(): void {
    const rules = this.list('anomalies');
    this.uniqueIds(rules, '$.anomalies');
    rules.forEach((rule, i) => {
      if (!isMapping(rule)) return;
      const path = `$.anomalies[${i}].field`;
      if (rule.type === 'threshold' || rule.type === 'spike') {
        this.ref(path, rule.field, NUMERIC_TYPES, 'a numeric');
        if (rule.type === 'threshold' && isMapping(rule.condition)) this.checkCondition(`$.anomalies[${i}].condition`, rule.condition);
      } else if (rule.type === 'status') {
        if (this.ref(path, rule.field, new Set(['string']), 'a string') !== 'string') return;
        const allowed = this.fields.get(rule.field as string)?.allowed;
        const values = rule.values;
        if (!Array.isArray(allowed) || !Array.isArray(values)) return;
        values.forEach((v, j) => {
          if (!allowed.some((a) => sameJson(a, v))) {
            this.add(`$.anomalies[${i}].values[${j}]`, 'value the field never takes', v, allowed.map(String).join(', '));
          }
        });
      }
    });
  }

  /** A threshold's condition: a string, integer or boolean field, and a value that field can take. */
  private checkCondition(path: string, condition: Mapping): void {
    const kind = this.ref(`${path}.field`, condition.field, DISCRETE_TYPES, 'a string, integer or boolean');
    const values = kind === undefined ? undefined : DISCRETE_VALUES[kind];
    const value = condition.equals;
    // A value of no JSON Schema type allowed here is the schema's problem, reported once there.
    if (values === undefined || !['string', 'number', 'boolean'].includes(typeof value)) return;
    if (!values.fits(value)) {
      this.add(`${path}.equals`, `not a value of field '${String(condition.field)}' (${kind})`, value, values.allowed);
      return;
    }
    const allowed = this.fields.get(condition.field as string)?.allowed;
    if (Array.isArray(allowed) && !allowed.some((a) => sameJson(a, value))) {
      this.add(`${path}.equals`, 'value the field never takes', value, allowed.map(String).join(', '));
    }
  }

  /** A join's keys are this stream's fields compared for equality; the other stream's columns are new to it. */
  private checkJoins(): void {
    const joins = this.list('joins');
    this.uniqueIds(joins, '$.joins');
    joins.forEach((j, i) => {
      if (!isMapping(j)) return;
      if (typeof j.stream === 'string' && j.stream === this.data.name)
        this.add(`$.joins[${i}].stream`, 'the stream itself', j.stream, 'another stream of the app');
      (Array.isArray(j.keys) ? j.keys : []).forEach((key, k) => {
        this.ref(`$.joins[${i}].keys[${k}]`, key, DISCRETE_TYPES, 'a string, integer or boolean');
      });
      (Array.isArray(j.columns) ? j.columns : []).forEach((column, k) => {
        if (typeof column === 'string' && this.types.has(column)) {
          this.add(
            `$.joins[${i}].columns[${k}]`,
            'already a field of the event',
            column,
            "a field of the other stream that this stream's schema.fields does not have",
          );
        }
      });
    });
  }

  private checkFeatures(): void {
    const features = this.data.features;
    if (isMapping(features)) this.ref('$.features.field', features.field, NUMERIC_TYPES, 'a numeric');
  }
}

/** Python's `==` on JSON values (deep equality). */
function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
}
