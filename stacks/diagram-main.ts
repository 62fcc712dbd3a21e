import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { packageRoot } from '../constructs/core/package-root';
import { addEnvironment, type EnvironmentStacks } from './app';
import { loadEnvironments } from './config/load';
import { architectureDiagram, architecturePage } from './diagram';

/** The default app's environments, built (not synthesized) in a scratch folder. */
function defaultEnvironments(): EnvironmentStacks[] {
  const { environments } = loadEnvironments();
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-')) });
  const stacks = environments.map((config) => addEnvironment(app, config));
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return stacks;
}

/** docs/architecture.md: every environment of the default app. */
export function defaultArchitecturePage(): string {
  return architecturePage(defaultEnvironments());
}

const README_START = '<!-- architecture:dev (npm run diagram) -->';
const README_END = '<!-- /architecture:dev -->';

/** The README with its dev diagram replaced by the current one. */
export function readmeWithDiagram(readme: string): string {
  const dev = defaultEnvironments().find((stacks) => stacks.platform.config.name === 'dev');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (!dev || start < 0 || end < start) throw new Error(`README.md needs the markers ${README_START} and ${README_END}`);
  const block = `${README_START}\n\`\`\`mermaid\n${architectureDiagram(dev)}\`\`\`\n`;
  return readme.slice(0, start) + block + readme.slice(end);
}

/** `npm run diagram`: writes docs/architecture.md and the README's dev diagram. */
if (require.main === module) {
  const root = packageRoot();
  fs.writeFileSync(path.join(root, 'docs', 'architecture.md'), defaultArchitecturePage());
  const readme = path.join(root, 'README.md');
  fs.writeFileSync(readme, readmeWithDiagram(fs.readFileSync(readme, 'utf8')));
}
