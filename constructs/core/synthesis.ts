import * as fs from 'node:fs';
import * as path from 'node:path';
import { type App, TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { IConstruct } from 'constructs';

/** Thrown when an app has invalid configuration; `problems` holds every message, each prefixed by its construct path. */
export class ConfigurationError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigurationError';
  }
}

/**
 * Every validation message and error annotation in the tree under `root`, as `[path] message`.
 *
 * Aspects run first because policy aspects report through error annotations.
 */
export function collectProblems(root: IConstruct): string[] {
  for (const stack of root.node.findAll().filter(TerraformStack.isStack)) invokeAspects(stack);
  const problems: string[] = [];
  for (const node of root.node.findAll()) {
    // The app itself has an empty path; its messages carry their own origin.
    const prefix = node.node.path ? `[${node.node.path}] ` : '';
    for (const message of node.node.validate()) problems.push(`${prefix}${message}`);
    for (const entry of node.node.metadata) {
      if (entry.type === '@cdktf/error') problems.push(`${prefix}${String(entry.data)}`);
    }
  }
  return problems;
}

/**
 * Validates the whole app, then synthesizes it into `outdir` through a staging folder.
 *
 * cdktf's own `app.synth()` validates one stack at a time and writes each stack as it goes, so an
 * error in the second stack leaves the first on disk. Here nothing reaches `outdir` unless every
 * stack is valid and synthesized.
 */
export function synthesizeApp(app: App, outdir: string): void {
  const problems = collectProblems(app);
  if (problems.length > 0) {
    fs.rmSync(app.outdir, { recursive: true, force: true });
    throw new ConfigurationError(problems);
  }
  try {
    app.synth();
  } catch (error) {
    fs.rmSync(app.outdir, { recursive: true, force: true });
    throw error;
  }
  if (path.resolve(app.outdir) === path.resolve(outdir)) return;
  fs.mkdirSync(outdir, { recursive: true });
  for (const entry of ['stacks', 'manifest.json']) {
    fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
    fs.renameSync(path.join(app.outdir, entry), path.join(outdir, entry));
  }
  fs.rmSync(app.outdir, { recursive: true, force: true });
}

/**
 * Synthesizes like `synthesizeApp`, for an app's entry point: an invalid app prints each problem once to
 * stderr and exits with status 1, without a stack trace (the problems are the user's, not the program's).
 * Any other error is a bug and propagates with its stack.
 */
export function synthesizeOrExit(app: App, outdir: string, io: ExitIo = process): void {
  try {
    synthesizeApp(app, outdir);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    io.stderr.write(`${error.message}\n`);
    io.exit(1);
  }
}

/** What `synthesizeOrExit` needs of `process` (tests pass their own). */
export interface ExitIo {
  readonly stderr: { write(text: string): unknown };
  exit(code: number): void;
}

/** Staging folders not yet moved into place: removed when the process exits, however it exits. */
const pendingStagingDirs = new Set<string>();

/**
 * A staging folder beside `outdir` (same file system, so the final move is a rename). It never outlives
 * the process: if construction or synthesis throws before `synthesizeApp` removes it, an exit hook does.
 */
export function stagingDirFor(outdir: string): string {
  const parent = path.dirname(path.resolve(outdir));
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}-staging-`));
  if (pendingStagingDirs.size === 0) process.once('exit', removePendingStagingDirs);
  pendingStagingDirs.add(dir);
  return dir;
}

function removePendingStagingDirs(): void {
  for (const dir of pendingStagingDirs) fs.rmSync(dir, { recursive: true, force: true });
  pendingStagingDirs.clear();
}
