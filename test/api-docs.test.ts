import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const REFERENCE = path.join(ROOT, 'docs', 'api', 'README.md');

/** The parts of TypeDoc's JSON output these tests read. */
interface Reflection {
  readonly name: string;
  readonly kind: number;
  readonly children?: readonly Reflection[];
  readonly extendedTypes?: readonly { readonly name: string }[];
  readonly comment?: { readonly blockTags?: readonly { readonly tag: string }[] };
}
const CLASS_KIND = 128;

describe('API reference (TypeDoc, typedoc.json)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'api-docs-'));
  let exported: readonly Reflection[] = [];

  beforeAll(() => {
    const typedoc = path.join(ROOT, 'node_modules', '.bin', 'typedoc');
    execFileSync(typedoc, ['--out', path.join(out, 'md'), '--json', path.join(out, 'api.json'), '--logLevel', 'Error'], { cwd: ROOT, stdio: 'pipe' });
    exported = (JSON.parse(fs.readFileSync(path.join(out, 'api.json'), 'utf8')) as Reflection).children ?? [];
  }, 180_000);

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('docs/api/README.md is what TypeDoc writes from the current sources (run `npm run docs`)', () => {
    expect(fs.readFileSync(REFERENCE, 'utf8')).toBe(fs.readFileSync(path.join(out, 'md', 'README.md'), 'utf8'));
  });

  test('every construct documents an @example', () => {
    const constructs = exported.filter((r) => r.kind === CLASS_KIND && r.extendedTypes?.some((t) => t.name === 'Construct'));
    expect(constructs.map((r) => r.name)).toEqual(expect.arrayContaining(['MedallionPipeline', 'EventHubNamespace', 'KeyVault', 'StreamJobs']));
    const missing = constructs.filter((r) => !r.comment?.blockTags?.some((t) => t.tag === '@example')).map((r) => r.name);
    expect(missing).toEqual([]);
  });

  test('it covers what an app composes: environments, streams and the synthesis entry points', () => {
    const names = new Set(exported.map((r) => r.name));
    const entryPoints = ['addEnvironment', 'addStream', 'DEFAULT_ENVIRONMENTS', 'EnvironmentConfig', 'synthesizeApp', 'StreamDefinition', 'MedallionPipeline'];
    expect(entryPoints.filter((name) => !names.has(name))).toEqual([]);
  });
});
