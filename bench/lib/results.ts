import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One line of the benchmark table (`npm run bench` → bench/results.json, the README's
 * "Performance" section). `target` is what the issue asks for, as text ("≥ 50", "< 100"), or
 * null for a figure reported without one; `pass` is left out then.
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target: string | null;
  pass?: boolean;
  /** The runs' values when `value` is their median (`npm run bench` runs short benchmarks several times). */
  runs?: number[];
}

/** Writes bench/results/<name>.json; its `table` is what the aggregator puts in the table. */
export function writeResult(name: string, data: Record<string, unknown> & { table: BenchRow[] }): string {
  const out = path.resolve('bench/results', `${name}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), node: process.version, ...data }, null, 2)}\n`,
  );
  console.log(`written ${path.relative(process.cwd(), out)}`);
  return out;
}
