import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { toStreamSpec } from '../../constructs/streams/stream-spec';
import type { StreamSpecAnomaly, StreamSpecDocument, StreamSpecWindow } from '../../constructs/streams/stream-spec-document.generated';
import { EXAMPLE_STREAMS } from '../../stacks/streams';

const ROOT = path.resolve(__dirname, '..', '..');

describe('stream spec types generated from the JSON Schema', () => {
  test('are what the generator writes from the current schema (run `npm run compile:spec-types`)', () => {
    // In its own process: the generator loads prettier, which jest's module loader cannot.
    const check = () => execFileSync(process.execPath, ['scripts/generate-spec-types.js', '--check'], { cwd: ROOT, stdio: 'pipe' });
    expect(check).not.toThrow();
  });

  test('every spec toStreamSpec writes is a document of the schema', () => {
    // Checked when the test command type-checks the tests (tsc --noEmit): StreamSpecV1 must stay assignable to the generated type.
    const documents: StreamSpecDocument[] = EXAMPLE_STREAMS.map((definition) => toStreamSpec(definition));
    expect(documents.map((d) => d.name)).toEqual(EXAMPLE_STREAMS.map((d) => d.name));
  });

  // The @ts-expect-error lines are the assertions: tsc fails on one that no longer errs.
  test('each window and anomaly variant is a closed object with its own required properties', () => {
    const windows: StreamSpecWindow[] = [
      { id: 'tumbling_1m', type: 'tumbling', duration: '1 minute' },
      // @ts-expect-error a tumbling window has no gap
      { id: 'tumbling_gap', type: 'tumbling', duration: '1 minute', gap: '1 minute' },
      // @ts-expect-error a sliding window needs its slide
      { id: 'sliding_5m', type: 'sliding', duration: '5 minutes' },
    ];
    const anomalies: StreamSpecAnomaly[] = [
      { id: 'silent', type: 'missing', timeout: '5 minutes', severity: 'warning' },
      // @ts-expect-error a threshold rule needs its operator
      { id: 'hot', type: 'threshold', field: 'temperature', value: 100, severity: 'critical' },
    ];
    expect([...windows, ...anomalies].map((v) => v.type)).toEqual(['tumbling', 'tumbling', 'sliding', 'missing', 'threshold']);
  });
});
