/**
 * Renders bench/results.json into the README between its performance markers
 * (`npm run bench:readme`; `npm run bench` does it at the end). Rows with a target, and every
 * row of a benchmark that wrote its own `table`, are shown; for the others (numbers gathered
 * from their result files) the first few with a unit, the rest being in bench/results.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- bench:table:start (bench/readme.ts writes this part from bench/results.json) -->';
const END = '<!-- bench:table:end -->';
/** Rows shown per benchmark that has no table of its own. */
const GATHERED_ROWS = 6;

interface Row {
  name: string;
  value: number;
  unit: string;
  target: string | null;
  pass: boolean | null;
  benchmark: string;
  command: string;
  curated?: boolean;
  /** The runs' values when `value` is their median. */
  runs?: number[];
}

interface Results {
  generated: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd?: number[];
  };
  database: { uri: string; version: string | null };
  rows: Row[];
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderTable(r: Results, curated: Set<string>): string {
  const lines = [
    `Measured ${r.generated.slice(0, 10)} on ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node} ` +
      `(load average ${r.machine.loadAverageAtStart.join(' / ')} at the start${
        r.machine.loadAverageAtEnd ? `, ${r.machine.loadAverageAtEnd.join(' / ')} at the end` : ''
      }; the benchmarks' own servers and clients share its 2 cores), ` +
      `database ${r.database.version ?? r.database.uri}.`,
    '',
    '| benchmark | measure | value | target | pass | reproduce |',
    '|---|---|---|---|---|---|',
  ];
  const shown = new Map<string, number>();
  let hidden = 0;
  for (const row of r.rows) {
    const n = shown.get(row.benchmark) ?? 0;
    // Gathered numbers without a unit are mostly the run's settings (sizes, counts): left to the file.
    if (!curated.has(row.benchmark) && row.target === null && (n >= GATHERED_ROWS || !row.unit)) {
      hidden++;
      continue;
    }
    shown.set(row.benchmark, n + 1);
    const name = row.name.startsWith(`${row.benchmark}: `)
      ? row.name.slice(row.benchmark.length + 2)
      : row.name;
    lines.push(
      `| ${row.benchmark} | ${cell(name)} | ${row.value}${row.unit ? ` ${row.unit}` : ''}${
        row.runs ? ` (median of ${row.runs.length})` : ''
      } | ${row.target ?? ''} | ${
        row.pass === null ? '' : row.pass ? 'yes' : '**no**'
      } | \`${row.command}\` |`,
    );
  }
  if (hidden) lines.push('', `${hidden} more figures are in \`bench/results.json\`.`);
  return lines.join('\n');
}

export function renderReadme(): void {
  const resultsFile = path.join(ROOT, 'bench/results.json');
  if (!existsSync(resultsFile)) throw new Error('bench/results.json is missing: run npm run bench first');
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  // Benchmarks that wrote their own table (their file has `table`): every row is shown.
  const curated = new Set<string>();
  for (const row of results.rows) {
    const file = path.join(ROOT, 'bench/results', `${row.benchmark}.json`);
    if (!curated.has(row.benchmark) && existsSync(file)) {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { table?: unknown };
      if (Array.isArray(data.table)) curated.add(row.benchmark);
    }
  }
  const readmeFile = path.join(ROOT, 'README.md');
  const readme = readFileSync(readmeFile, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} markers`);
  const next = `${readme.slice(0, a + START.length)}\n${renderTable(results, curated)}\n${readme.slice(b)}`;
  writeFileSync(readmeFile, next);
  console.log('README.md: Performance table updated');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) renderReadme();
