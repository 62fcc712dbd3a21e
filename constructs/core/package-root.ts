import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder of this package's package.json, found by walking up from this module, so files shipped
 * beside the code (notebooks/, schema/) resolve the same from the sources (ts-jest) and from dist/.
 */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
