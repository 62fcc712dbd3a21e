// Before/after comparison of one synthesis case between another built checkout and this one: fresh processes
// of each alternate (ABBA order), so load from other work on the machine falls on both sides alike. Prints
// medians and the median of the paired differences. Both checkouts need `npm run build` first.
// Usage: node bench/synth-compare.js <other checkout> [default|streamsPerEnvironment] [pairs=10]
const path = require('node:path');
const { loadAverage, median, synthOnce } = require('./synth-process');

const [other, app = 'default', pairs = '10'] = process.argv.slice(2);
if (!other) throw new Error('other checkout = undefined is invalid; allowed: the path of a built checkout of this repository');
const checkouts = { other: path.resolve(other), this: path.resolve(__dirname, '..') };

console.log(`${new Date().toISOString()}, app ${app}, ${pairs} pairs, load average ${loadAverage()}`);
const samples = { other: [], this: [] };
for (let i = 0; i < Number(pairs); i++) {
  for (const side of i % 2 ? ['this', 'other'] : ['other', 'this']) samples[side].push(synthOnce(checkouts[side], app));
}
for (const side of ['other', 'this']) {
  const wall = median(samples[side].map((s) => s.wallMs));
  const rss = median(samples[side].map((s) => s.maxRssMb));
  console.log(`${side} (${checkouts[side]}): wall ${wall.toFixed(0)} ms, peak ${rss.toFixed(0)} MB`);
}
const saved = median(samples.other.map((s, i) => s.wallMs - samples.this[i].wallMs));
console.log(`median of paired differences (other − this): ${saved.toFixed(0)} ms; finished ${new Date().toISOString()}, load average ${loadAverage()}`);
