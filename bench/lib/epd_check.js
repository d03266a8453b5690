// Runs MetaMask's eth-phishing-detect over a file of host names, one per line.
// usage: node epd_check.js PACKAGE_SRC_DIR NAMES_FILE [LIMIT]
// Prints one JSON line: names checked, names blocked (by type), seconds spent.
'use strict';
const fs = require('fs');
const path = require('path');

const [srcDir, namesFile, limitArg] = process.argv.slice(2);
if (!srcDir || !namesFile) {
  process.stderr.write('usage: node epd_check.js PACKAGE_SRC_DIR NAMES_FILE [LIMIT]\n');
  process.exit(2);
}
const limit = limitArg ? parseInt(limitArg, 10) : Infinity;

const t0 = process.hrtime.bigint();
const Detector = require(path.join(srcDir, 'detector.js'));
const detector = new Detector(require(path.join(srcDir, 'config.json')));
const lines = fs.readFileSync(namesFile, 'utf8').split('\n');
const t1 = process.hrtime.bigint();

let names = 0;
let blocked = 0;
const byType = {};
for (const line of lines) {
  if (names >= limit) break;
  const host = line.trim();
  if (host === '') continue;
  names++;
  const r = detector.check(host);
  if (r.result) {
    blocked++;
    byType[r.type] = (byType[r.type] || 0) + 1;
  }
}
const t2 = process.hrtime.bigint();

process.stdout.write(JSON.stringify({
  names,
  blocked,
  by_type: byType,
  load_seconds: Number(t1 - t0) / 1e9,
  check_seconds: Number(t2 - t1) / 1e9,
}) + '\n');
