/**
 * Lists (or with --drop removes) corpus lines that are close to a benchmark message: see
 * benchmark-overlap.ts. Exit code 1 when any are found and not dropped.
 *
 *   npx tsx scripts/nlp/corpus-overlap.ts [file.jsonl ...] [--drop] [--scale 0.8]
 *
 * Default files: src/nlp/corpus/{en,zh}.jsonl; --scale multiplies the thresholds (a stricter
 * look at lines that are merely similar).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchmarkOverlapChecker } from './benchmark-overlap.js';
import { REPO_ROOT } from './paths.js';

const args = process.argv.slice(2);
const drop = args.includes('--drop');
const scale = args.includes('--scale') ? Number(args[args.indexOf('--scale') + 1]) : 1;
const files = args.filter((a) => a.endsWith('.jsonl'));
const targets = files.length ? files : ['en', 'zh'].map((l) => join(REPO_ROOT, `src/nlp/corpus/${l}.jsonl`));

const check = benchmarkOverlapChecker(scale);
if (!check) {
  console.error('no benchmark files found (see scripts/nlp/paths.ts)');
  process.exit(2);
}
let found = 0;
for (const file of targets) {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const keep: string[] = [];
  for (const line of lines) {
    const hit = check((JSON.parse(line) as { text: string }).text);
    if (!hit) {
      keep.push(line);
      continue;
    }
    found++;
    console.log(
      `${hit.score.toFixed(2)}  ${hit.text.slice(0, 90)}\n      ~ ${hit.closest.replace(/\s+/g, ' ').slice(0, 90)}`,
    );
  }
  if (drop && keep.length !== lines.length) writeFileSync(file, `${keep.join('\n')}\n`);
  console.log(`${file}: ${lines.length} lines, ${lines.length - keep.length} close to a benchmark message`);
}
process.exitCode = found > 0 && !drop ? 1 : 0;
