/**
 * Scans a whole test run's log lines for the secrets its tests used (npm run test:logs).
 * startTestApp writes every test app's lines to TEST_LOG_FILE and the tests note each password,
 * token and key they use in `<TEST_LOG_FILE>.secrets`; a line holding any of them fails the scan.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { mask } from '../test/helpers/log-capture.js';

const file = process.argv[2] ?? process.env.TEST_LOG_FILE ?? '.data/test-logs/run.log';
if (!existsSync(file) || !existsSync(`${file}.secrets`)) {
  console.error(`no ${file} or ${file}.secrets: run the tests with TEST_LOG_FILE=${file} first`);
  process.exit(2);
}
const secrets = [
  ...new Set(
    readFileSync(`${file}.secrets`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as string),
  ),
];
const escaped = secrets.map((s) => JSON.stringify(s).slice(1, -1));
let lines = 0;
let found = 0;
for await (const line of createInterface({ input: createReadStream(file) })) {
  lines++;
  secrets.forEach((secret, i) => {
    if (line.includes(secret) || line.includes(escaped[i] as string)) {
      found++;
      if (found <= 50)
        console.log(`${mask(secret)} in: ${line.replaceAll(secret, mask(secret)).slice(0, 300)}`);
    }
  });
}
console.log(`${lines} log lines, ${secrets.length} secrets looked for, ${found} found`);
process.exit(found === 0 && lines > 0 ? 0 : 1);
