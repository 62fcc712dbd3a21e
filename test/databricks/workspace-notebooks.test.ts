import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_NOTEBOOKS_DIR, WorkspaceNotebooks } from '../../constructs/databricks/workspace-notebooks';
import { problemsOf, resourcesOf, synthJson } from '../helpers/synth';
import { databricksTestStack, fakeNotebooksDir } from './helpers';

function notebooks(sourceDir = fakeNotebooksDir(), workspacePath = '/Shared/streaming-platform/dev') {
  const stack = databricksTestStack();
  const construct = new WorkspaceNotebooks(stack, 'Notebooks', { workspacePath, sourceDir });
  return { stack, construct, sourceDir };
}

describe('WorkspaceNotebooks', () => {
  test('deploys only files with the Databricks notebook header, in name order, under the workspace folder', () => {
    // GIVEN / WHEN
    const { stack } = notebooks(fakeNotebooksDir(['pipeline', 'backfill']));
    // THEN
    const bodies = Object.values(resourcesOf(synthJson(stack), 'databricks_notebook'));
    expect(bodies.map((body) => body.path)).toEqual(['backfill', 'pipeline'].map((n) => `/Shared/streaming-platform/dev/${n}`));
  });

  test('a notebook is Python, from a relative asset path, with the md5 of its content', () => {
    // GIVEN
    const { stack, sourceDir } = notebooks();
    // WHEN
    const pipeline = Object.values(resourcesOf(synthJson(stack), 'databricks_notebook')).find(
      (body) => body.path === '/Shared/streaming-platform/dev/pipeline',
    );
    // THEN
    const md5 = require('node:crypto')
      .createHash('md5')
      .update(fs.readFileSync(path.join(sourceDir, 'pipeline.py')))
      .digest('hex');
    expect(pipeline).toEqual({
      path: '/Shared/streaming-platform/dev/pipeline',
      language: 'PYTHON',
      md5,
      source: expect.stringMatching(/^assets\/.+\/pipeline\.py$/),
    });
  });

  test('the package is deployed file by file beside the notebooks, keeping its layout, without caches', () => {
    // GIVEN / WHEN
    const { stack } = notebooks();
    // THEN
    const files = Object.values(resourcesOf(synthJson(stack), 'databricks_workspace_file'));
    expect(files.map((body) => body.path)).toEqual(
      ['__init__.py', 'spec.py', 'stream-spec.v1.schema.json', 'sub/util.py'].map((f) => `/Shared/streaming-platform/dev/medallion/${f}`),
    );
    expect(files.every((body) => typeof body.md5 === 'string' && /^assets\//.test(String(body.source)))).toBe(true);
  });

  test('no absolute path of this machine reaches the synthesized JSON', () => {
    // GIVEN
    const { stack, sourceDir } = notebooks();
    // WHEN
    const text = JSON.stringify(synthJson(stack));
    // THEN
    expect(text).not.toContain(sourceDir);
    expect(text).not.toContain(process.cwd());
  });

  test('a changed notebook changes its md5 (so it redeploys)', () => {
    // GIVEN
    const dir = fakeNotebooksDir(['pipeline', 'backfill']);
    const before = Object.values(resourcesOf(synthJson(notebooks(dir).stack), 'databricks_notebook')).map((body) => body.md5);
    // WHEN
    fs.appendFileSync(path.join(dir, 'pipeline.py'), 'print("changed")\n');
    // THEN
    const after = Object.values(resourcesOf(synthJson(notebooks(dir).stack), 'databricks_notebook')).map((body) => body.md5);
    expect(after.filter((md5, i) => md5 !== before[i])).toHaveLength(1);
  });

  test('notebookPath names a deployed notebook; a missing one is a problem listing what exists', () => {
    // GIVEN
    const { stack, construct } = notebooks(fakeNotebooksDir(['pipeline']));
    // WHEN
    const paths = [construct.notebookPath('pipeline'), construct.notebookPath('bronze')];
    // THEN
    expect(paths).toEqual(['/Shared/streaming-platform/dev/pipeline', '/Shared/streaming-platform/dev/bronze']);
    expect(problemsOf(stack)).toEqual([
      "[test/Notebooks] notebooks.bronze = 'bronze' is invalid; allowed: a notebook in the notebooks folder (found: pipeline)",
    ]);
  });

  test('a relative workspace path is refused', () => {
    // GIVEN / WHEN
    const { stack } = notebooks(fakeNotebooksDir(), 'Shared/streaming');
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Notebooks] workspacePath = 'Shared/streaming' is invalid; allowed: an absolute workspace path such as '/Shared/streaming-platform/dev'",
    ]);
  });

  test('a missing package folder is refused', () => {
    // GIVEN
    const dir = fakeNotebooksDir();
    fs.rmSync(path.join(dir, 'medallion'), { recursive: true });
    // WHEN
    const { stack } = notebooks(dir);
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Notebooks] packageName = 'medallion' is invalid; allowed: a package folder inside the notebooks folder ('medallion/' not found)",
    ]);
  });

  test('the code version of a notebook follows the notebook and every package file, and nothing else', () => {
    // GIVEN
    const dir = fakeNotebooksDir(['pipeline', 'backfill']);
    const version = (name: string) => notebooks(dir).construct.codeVersion(name);
    const before = version('pipeline');
    const edit = (file: string) => fs.appendFileSync(path.join(dir, file), '# changed\n');
    // WHEN / THEN: files the pipeline does not run leave it as it is
    edit('backfill.py');
    edit('helper.py');
    fs.writeFileSync(path.join(dir, 'medallion', '__pycache__', 'spec.cpython-311.pyc'), 'recompiled');
    expect(version('pipeline')).toBe(before);
    // a package file and the notebook itself change it
    edit('medallion/sub/util.py');
    const afterPackage = version('pipeline');
    edit('pipeline.py');
    expect([afterPackage === before, version('pipeline') === afterPackage]).toEqual([false, false]);
    expect(before).toMatch(/^[0-9a-f]{16}$/);
  });

  test("defaults to the package's own notebooks folder", () => {
    expect(DEFAULT_NOTEBOOKS_DIR).toBe(path.resolve(__dirname, '..', '..', 'notebooks'));
  });
});
