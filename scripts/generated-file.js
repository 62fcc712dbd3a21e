// The one way the project's generators write a committed file: only when its text changes (so a build does not
// touch its timestamp), or with --check, exit 1 when it is out of date.
const fs = require('node:fs');
const path = require('node:path');

/** Writes `expected` to `output` if it differs; with `--check` on the command line, fails instead. */
function writeOrCheck(output, expected, regenerate) {
  const current = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : undefined;
  const relative = path.relative(path.resolve(__dirname, '..'), output);
  if (current === expected) return;
  if (process.argv.includes('--check')) {
    process.stderr.write(`${relative} is out of date; run \`${regenerate}\`\n`);
    process.exit(1);
  }
  fs.writeFileSync(output, expected);
  process.stdout.write(`wrote ${relative}\n`);
}

module.exports = { writeOrCheck };
