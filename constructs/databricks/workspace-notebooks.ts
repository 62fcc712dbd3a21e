import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Notebook } from '@cdktf/provider-databricks/lib/notebook';
import { WorkspaceFile } from '@cdktf/provider-databricks/lib/workspace-file';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { packageRoot } from '../core/package-root';
import { Problems } from '../core/problems';

/** The first line that marks a `.py` file as a Databricks notebook in source format. */
export const NOTEBOOK_HEADER = '# Databricks notebook source';
/** The package's own `notebooks/` folder. */
export const DEFAULT_NOTEBOOKS_DIR = path.join(packageRoot(), 'notebooks');
/** Files of the Python package deployed as workspace files: modules, and the JSON Schema `spec.py` loads beside itself. */
const PACKAGE_FILE = /\.(py|json)$/;

export interface WorkspaceNotebooksProps {
  /** Absolute workspace folder to deploy to, for example `/Shared/streaming-platform/dev`. */
  readonly workspacePath: string;
  /**
   * Folder holding the notebooks (`*.py` starting with `# Databricks notebook source`) and the package.
   * @default the package's `notebooks/` folder
   */
  readonly sourceDir?: string;
  /**
   * The importable Python package beside the notebooks (Databricks puts a notebook's folder on `sys.path`).
   * @default 'medallion'
   */
  readonly packageName?: string;
}

/**
 * Deploys the notebooks as `databricks_notebook` and the Python package they import as
 * `databricks_workspace_file`, keeping the relative layout under `workspacePath`.
 *
 * Sources are copied as Terraform assets, so the synthesized JSON holds only paths relative to the
 * stack's folder (never this machine's), and `md5` of the content makes a changed file redeploy.
 * Files are sorted so that synth is deterministic.
 *
 * @example
 * const notebooks = new WorkspaceNotebooks(this, 'Notebooks', { workspacePath: '/Shared/streaming-platform/prod' });
 * notebooks.notebookPath('pipeline');
 */
export class WorkspaceNotebooks extends Construct {
  public readonly workspacePath: string;
  /** Notebooks by name (file name without `.py`). */
  public readonly notebooks = new Map<string, Notebook>();
  /** Package files by path relative to the source folder (`medallion/spec.py`). */
  public readonly files = new Map<string, WorkspaceFile>();
  private readonly problems: Problems;
  /** md5 of each deployed file, by its path relative to the source folder (`pipeline.py`, `medallion/spec.py`), sorted. */
  private readonly digests = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: WorkspaceNotebooksProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    this.workspacePath = props.workspacePath.replace(/\/+$/, '');
    const sourceDir = props.sourceDir ?? DEFAULT_NOTEBOOKS_DIR;
    const packageName = props.packageName ?? 'medallion';
    this.problems.matches('workspacePath', props.workspacePath, /^\/[^\s]*[^/\s]$/, "an absolute workspace path such as '/Shared/streaming-platform/dev'");
    if (!fs.existsSync(sourceDir)) {
      this.problems.add('sourceDir', path.basename(sourceDir), 'an existing folder of notebooks');
      return;
    }

    for (const file of listFiles(sourceDir, false).filter((f) => f.endsWith('.py'))) {
      const absolute = path.join(sourceDir, file);
      if (!isNotebook(absolute)) continue;
      const name = file.replace(/\.py$/, '');
      this.digests.set(file, md5Of(absolute));
      const asset = new TerraformAsset(this, `Asset-${name}`, { path: absolute, type: AssetType.FILE });
      this.notebooks.set(
        name,
        new Notebook(this, `Notebook-${name}`, {
          path: `${this.workspacePath}/${name}`,
          source: asset.path,
          language: 'PYTHON',
          md5: this.digests.get(file),
        }),
      );
    }

    const packageDir = path.join(sourceDir, packageName);
    if (!fs.existsSync(packageDir)) {
      this.problems.add('packageName', packageName, `a package folder inside the notebooks folder ('${packageName}/' not found)`);
      return;
    }
    for (const file of listFiles(packageDir, true).filter((f) => PACKAGE_FILE.test(f))) {
      const relative = `${packageName}/${file}`;
      const absolute = path.join(packageDir, file);
      const key = relative.replace(/[^\w]/g, '_');
      this.digests.set(relative, md5Of(absolute));
      const asset = new TerraformAsset(this, `Asset-${key}`, { path: absolute, type: AssetType.FILE });
      this.files.set(
        relative,
        new WorkspaceFile(this, `File-${key}`, {
          path: `${this.workspacePath}/${relative}`,
          source: asset.path,
          md5: this.digests.get(relative),
        }),
      );
    }
  }

  /**
   * A digest of the code that runs when a job runs notebook `name`: the notebook and every package file.
   * A job that carries it changes whenever that code changes; a continuous job with `control_run_state`
   * is then restarted on the new code, where a change to the package alone would leave the old code running.
   */
  public codeVersion(name: string): string {
    const notebook = `${name}.py`;
    const code = [...this.digests].filter(([file]) => file === notebook || this.files.has(file));
    return createHash('sha256')
      .update(code.map(([file, md5]) => `${file} ${md5}`).join('\n'))
      .digest('hex')
      .slice(0, 16);
  }

  /**
   * The workspace path of a deployed notebook, for a job's `notebook_task`. A notebook that is not in the
   * source folder is recorded as a problem (a job pointing at it would fail at run time).
   */
  public notebookPath(name: string): string {
    if (!this.notebooks.has(name)) {
      this.problems.add(`notebooks.${name}`, name, `a notebook in the notebooks folder (found: ${[...this.notebooks.keys()].join(', ') || 'none'})`);
    }
    return `${this.workspacePath}/${name}`;
  }
}

function isNotebook(file: string): boolean {
  const firstLine = fs.readFileSync(file, 'utf8').split(/\r?\n/, 1)[0] ?? '';
  return firstLine.trim() === NOTEBOOK_HEADER;
}

function md5Of(file: string): string {
  return createHash('md5').update(fs.readFileSync(file)).digest('hex');
}

/** Files under `dir` as sorted `/`-separated relative paths; caches and hidden entries are skipped. */
function listFiles(dir: string, recursive: boolean, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === '__pycache__') continue;
    if (entry.isDirectory()) {
      if (recursive) out.push(...listFiles(path.join(dir, entry.name), true, `${prefix}${entry.name}/`));
    } else if (entry.isFile()) {
      out.push(`${prefix}${entry.name}`);
    }
  }
  return out.sort();
}
