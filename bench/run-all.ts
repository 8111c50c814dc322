/**
 * `npm run bench`: runs every benchmark (each `bench:<area>` script in package.json, so a
 * benchmark merged in later joins by itself), then gathers every bench/results/*.json into one
 * table, bench/results.json — `{name, value, unit, target, pass, command}` rows plus the machine
 * and the database — and renders it into the README's "Performance" section.
 *
 *   npm run bench                       (all, then the table)
 *   npm run bench -- --only pipeline,nlp (some, then the table from every result file there is)
 *   npm run bench -- --collect          (no runs: the table from the result files as they are)
 * Env: BENCH_RUNS (runs of every benchmark, instead of RUNS below).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { BenchRow } from './lib/results.js';
import { median } from './lib/stats.js';
import { renderReadme } from './readme.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.join(ROOT, 'bench/results');
/** Scripts that are not benchmarks of their own. */
const NOT_BENCHMARKS = new Set(['bench:readme']);
/**
 * Runs per benchmark; its rows are the medians of the runs. The pipeline takes medians of its
 * own alternating rounds; the NLP, segmentation and CRM benchmarks run for minutes, on fixed data
 * (their figures are sizes, times of one large job, and model scores that do not vary).
 */
const RUNS: Record<string, number> = { console: 3, channels: 3, outreach: 3, connections: 3 };
const runsOf = (benchmark: string) => Number(process.env.BENCH_RUNS ?? RUNS[benchmark] ?? 1);

export interface TableRow extends BenchRow {
  benchmark: string;
  command: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** What the issues ask of benchmarks written before `table` existed (by result file and field). */
const TARGETS: { benchmark: string; match: RegExp; target: string; pass: (v: number) => boolean }[] = [
  {
    benchmark: 'segmentation',
    match: /inMemory › 1000000 › total s$/,
    target: '< 60',
    pass: (v) => v < 60,
  },
  { benchmark: 'outreach', match: /emails\/s once sending$/, target: '≥ 300', pass: (v) => v >= 300 },
];

const LABEL_KEYS = ['measure', 'name', 'phase', 'query', 'dataset', 'case', 'customers', 'call'];
const SKIP_KEYS = new Set(['at', 'generated', 'node', 'database', 'benchmark', 'seed', 'share']);

function unitOf(key: string): string {
  if (/_ms$|ms$|Ms$|\bms\b/.test(key)) return 'ms';
  if (/per ?sec|\/s\b|PerSec/i.test(key)) return '/s';
  if (/percent|share|%|F1|accuracy/i.test(key)) return '%';
  if (/MB$/.test(key)) return 'MB';
  if (/\bs\b|seconds/.test(key)) return 's';
  return '';
}

/**
 * The rows of a result file without a `table`: its numbers, named by where they sit (a row of a
 * list is named by its label field). Enough to put any benchmark in the table; a benchmark
 * that knows its targets writes a `table` (bench/lib/results.ts).
 */
function flatten(benchmark: string, data: Json): BenchRow[] {
  const rows: BenchRow[] = [];
  const walk = (v: Json, name: string, depth: number) => {
    if (depth > 5 || v === null) return;
    if (typeof v === 'number') {
      const key = name.split(' › ').at(-1) ?? name;
      rows.push({ name: `${benchmark}: ${name}`, value: v, unit: unitOf(key), target: null });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const label =
          item && typeof item === 'object' && !Array.isArray(item)
            ? LABEL_KEYS.map((k) => item[k]).find((x) => typeof x === 'string' || typeof x === 'number')
            : undefined;
        walk(item, `${name}${name ? ' › ' : ''}${label ?? i}`, depth + 1);
      });
      return;
    }
    if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (SKIP_KEYS.has(k) || LABEL_KEYS.includes(k)) continue;
        walk(x, `${name}${name ? ' › ' : ''}${k}`, depth + 1);
      }
    }
  };
  walk(data, '', 0);
  return rows.map((r) => {
    const t = TARGETS.find((x) => x.benchmark === benchmark && x.match.test(r.name));
    return t ? { ...r, target: t.target, pass: t.pass(r.value) } : r;
  });
}

/** Does `value` meet a target written as text ("≥ 50", "< 100")? null when it is not a bound. */
export function meets(value: number, target: string): boolean | null {
  const m = /^\s*(≥|>=|>|≤|<=|<)\s*(-?[\d.]+)/.exec(target);
  if (!m) return null;
  const bound = Number(m[2]);
  switch (m[1]) {
    case '≥':
    case '>=':
      return value >= bound;
    case '>':
      return value > bound;
    case '≤':
    case '<=':
      return value <= bound;
    default:
      return value < bound;
  }
}

/** A benchmark's rows, from its `table` or gathered from its numbers. */
function rowsOf(benchmark: string): BenchRow[] {
  const file = path.join(RESULTS, `${benchmark}.json`);
  if (!existsSync(file)) return [];
  const data = JSON.parse(readFileSync(file, 'utf8')) as { table?: BenchRow[] } & Json;
  return Array.isArray(data.table) ? data.table : flatten(benchmark, data);
}

/**
 * Several runs of one benchmark into one table: each row's median (matched by name), with the
 * runs' values beside it; `pass` is judged on the median. Written back as the file's `table`.
 */
function keepMedians(benchmark: string, runs: BenchRow[][]): void {
  const file = path.join(RESULTS, `${benchmark}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const last = runs.at(-1) ?? [];
  const table = last.map((row) => {
    const values = runs.flatMap((r) => r.filter((x) => x.name === row.name).map((x) => x.value));
    const value = Math.round(median(values) * 100) / 100;
    const pass = row.target === null ? undefined : (meets(value, row.target) ?? row.pass);
    return { ...row, value, ...(pass === undefined ? {} : { pass }), runs: values };
  });
  writeFileSync(file, `${JSON.stringify({ ...data, runs: runs.length, table }, null, 2)}\n`);
}

function benchScripts(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.keys(pkg.scripts).filter((s) => s.startsWith('bench:') && !NOT_BENCHMARKS.has(s));
}

async function databaseOf(): Promise<{ uri: string; version: string | null }> {
  const uri = process.env.MONGODB_URI ?? '';
  if (!uri) return { uri: 'embedded (each benchmark starts its own)', version: null };
  try {
    const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 3000 }).asPromise();
    const info = (await conn.db?.admin().command({ buildInfo: 1 })) as
      | { version?: string; ferretdbVersion?: string; ferretdb?: { version?: string } }
      | undefined;
    await conn.close();
    let ferret = info?.ferretdbVersion ?? info?.ferretdb?.version;
    // scripts/ferretdb's build reports no version of its own: the one its go.mod pins.
    if (ferret === 'unknown') {
      const pinned = /FerretDB\/FerretDB (v[\d.]+)/.exec(
        readFileSync(path.join(ROOT, 'scripts/ferretdb/go.mod'), 'utf8'),
      )?.[1];
      ferret = pinned ? `${pinned} (scripts/ferretdb)` : ferret;
    }
    return {
      uri: uri.replace(/\/\/[^@/]*@/, '//'),
      version: ferret ? `FerretDB ${ferret} (MongoDB wire ${info?.version})` : `MongoDB ${info?.version}`,
    };
  } catch {
    return { uri, version: null };
  }
}

async function main() {
  const args = process.argv.slice(2);
  const collectOnly = args.includes('--collect');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : null;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  const runs: { script: string; ok: boolean; runs: number; seconds: number }[] = [];
  if (!collectOnly) {
    for (const script of benchScripts()) {
      if (only && !only.has(script.slice('bench:'.length))) continue;
      const benchmark = script.slice('bench:'.length);
      const times = runsOf(benchmark);
      const tables: BenchRow[][] = [];
      const t0 = performance.now();
      let ok = true;
      for (let i = 1; i <= times && ok; i++) {
        console.log(`\n━━ npm run ${script}${times > 1 ? ` (run ${i} of ${times})` : ''}`);
        const r = spawnSync('npm', ['run', script], { cwd: ROOT, stdio: 'inherit', env: process.env });
        ok = r.status === 0;
        if (ok) tables.push(rowsOf(benchmark));
      }
      if (ok && times > 1) keepMedians(benchmark, tables);
      runs.push({ script, ok, runs: tables.length, seconds: Math.round((performance.now() - t0) / 1000) });
    }
  }

  const scripts = new Set(benchScripts());
  const rows: TableRow[] = [];
  const files = existsSync(RESULTS) ? readdirSync(RESULTS).filter((f) => f.endsWith('.json')) : [];
  for (const file of files.sort()) {
    const benchmark = file.replace(/\.json$/, '');
    const command = scripts.has(`bench:${benchmark}`) ? `npm run bench:${benchmark}` : 'npm run bench';
    for (const r of rowsOf(benchmark)) rows.push({ benchmark, command, ...r, target: r.target ?? null });
  }
  const result = {
    generated: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    database: await databaseOf(),
    runs,
    rows: rows.map(({ name, value, unit, target, pass, benchmark, command, runs }) => ({
      name,
      value,
      unit,
      target,
      pass: target === null ? null : (pass ?? null),
      benchmark,
      command,
      ...(runs && runs.length > 1 ? { runs } : {}),
    })),
  };
  writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten bench/results.json: ${rows.length} rows from ${files.length} result files`);
  const failed = runs.filter((r) => !r.ok);
  if (failed.length) console.log(`failed: ${failed.map((r) => r.script).join(', ')}`);
  renderReadme();
  if (failed.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
