import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** A marked snippet of a document, exactly as published. */
function snippet(document: string, name: string): string {
  const text = fs.readFileSync(path.join(root, document), 'utf8');
  const match = new RegExp(`<!-- snippet: ${name}[^>]*-->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\s*<!-- end snippet -->`).exec(text);
  if (!match) throw new Error(`${document} has no ${name} snippet`);
  return match[1];
}

/** The README's "add a stream" snippet. */
const readmeSnippet = (): string => snippet('README.md', 'add-a-stream');

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the published package', () => {
  // Packing builds dist/, and installing pulls the dependencies from npm's cache: minutes, not seconds.
  jest.setTimeout(600_000);

  test('the README snippet is at most 15 lines', () => {
    expect(readmeSnippet().trimEnd().split('\n').length).toBeLessThanOrEqual(15);
  });

  // GIVEN the package packed as it would be published, installed into an empty project
  let scratch = '';
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'packed-package-'));
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', scratch], root).trim().split('\n').pop() as string;
    fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(scratch, tarball)], scratch);
  });

  /** Type-checks the program strictly as main.ts in the scratch project and compiles it to main.js. */
  function compile(program: string): void {
    fs.writeFileSync(path.join(scratch, 'main.ts'), program);
    run(
      path.join(root, 'node_modules', '.bin', 'tsc'),
      [
        '--strict',
        '--target',
        'es2022',
        '--module',
        'commonjs',
        '--moduleResolution',
        'node',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        path.join(root, 'node_modules', '@types'),
        'main.ts',
      ],
      scratch,
    );
  }

  test("the README's snippet compiles and synthesizes against the packed package in a scratch project", () => {
    // WHEN it is type-checked strictly, compiled and run
    compile(readmeSnippet());
    run(process.execPath, ['main.js'], scratch);

    // THEN the stream's event hub, secret and jobs are in the synthesized stacks
    const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(scratch, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    const platform = read('dev-platform');
    const workspace = read('dev-workspace');
    expect(Object.values(platform.resource.azurerm_eventhub).map((hub) => (hub as { name: string }).name)).toEqual(['evh-orders']);
    expect(Object.values(platform.resource.azurerm_key_vault_secret).map((secret) => (secret as { name: string }).name)).toEqual(['evh-orders-listen']);
    const jobNames = Object.values(workspace.resource.databricks_job as Record<string, { name: string; tags: Record<string, string> }>)
      .filter((job) => job.tags.stream !== undefined)
      .map((job) => job.name);
    expect(jobNames).toEqual(['orders-pipeline']);
    // AND the notebook shipped in the package is the one deployed
    expect(Object.values(workspace.resource.databricks_notebook).map((notebook) => (notebook as { path: string }).path)).toEqual([
      '/Shared/streaming-platform/dev/backfill',
      '/Shared/streaming-platform/dev/pipeline',
    ]);
  });

  test('the snippet with a bad value prints the problem once, exits 1, and leaves nothing behind', () => {
    // WHEN the snippet runs with a watermark the types accept but the spec does not (a duration starts at 1)
    fs.rmSync(path.join(scratch, 'cdktf.out'), { recursive: true, force: true });
    compile(readmeSnippet().replace("watermark: '5 minutes'", "watermark: '0 minutes'"));
    const done = spawnSync(process.execPath, ['main.js'], { cwd: scratch, encoding: 'utf8' });

    // THEN one line names the field, the value and what is allowed; no stack trace, no output, no staging folder
    expect(done.status).toBe(1);
    expect(done.stderr).toBe(
      "Invalid configuration (1 problem):\n  [dev-platform/Stream-orders] definition $.watermark = '0 minutes' is invalid: invalid format; allowed: a duration like '10 seconds', '1 minute', '5 minutes', '2 hours', '1 day'\n",
    );
    expect(fs.readdirSync(scratch).filter((name) => name.includes('cdktf.out'))).toEqual([]);
  });

  test('a staging folder never outlives its process, whatever throws', () => {
    compile(
      "import { stagingDirFor } from '@streaming-platform/azure-medallion';\nstagingDirFor('cdktf.out');\nthrow new Error('an app that fails while it is built');\n",
    );
    const done = spawnSync(process.execPath, ['main.js'], { cwd: scratch, encoding: 'utf8' });
    expect(done.status).toBe(1);
    expect(fs.readdirSync(scratch).filter((name) => name.includes('cdktf.out'))).toEqual([]);
  });

  test('every relative link of the README resolves inside the installed package', () => {
    const installed = path.join(scratch, 'node_modules', '@streaming-platform', 'azure-medallion');
    const readme = fs.readFileSync(path.join(installed, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([a-zA-Z][^)#:]*)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((link) => !fs.existsSync(path.join(installed, link)))).toEqual([]);
  });

  test("docs/streams.md's clickstream compiles and synthesizes in every default environment", () => {
    fs.rmSync(path.join(scratch, 'cdktf.out'), { recursive: true, force: true });
    compile(snippet('docs/streams.md', 'clickstream'));
    run(process.execPath, ['main.js'], scratch);
    const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(scratch, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    for (const env of ['dev', 'staging', 'prod']) {
      const platform = read(`${env}-platform`);
      const workspace = read(`${env}-workspace`);
      const hubs = Object.values(platform.resource.azurerm_eventhub as Record<string, { name: string; partition_count: number }>);
      expect(hubs.map((hub) => [hub.name, hub.partition_count])).toEqual([['evh-clickstream', { dev: 4, staging: 8, prod: 16 }[env]]]);
      expect(platform.resource.azurerm_eventhub_consumer_group).toBeUndefined();
      const jobs = Object.values(workspace.resource.databricks_job as Record<string, { name: string }>).map((job) => job.name);
      expect(jobs).toContain('clickstream-pipeline');
      expect(Object.values(workspace.resource.databricks_alert as Record<string, { display_name: string }>).map((a) => a.display_name)).toEqual([
        'clickstream anomalies',
      ]);
    }
  });
});
