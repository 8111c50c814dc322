/**
 * Builds the staff console (console/, Vite + Preact) into console/dist when its sources changed
 * since the last build: `npm start` (prestart), `npm run build` and the test run call it, so a
 * newcomer's `npm install && npm start` serves a current console. `--force` rebuilds anyway.
 *
 * The build goes to a temporary folder that then replaces console/dist, so a running server
 * never serves a half-written build.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_DIR = path.join(ROOT, 'console');
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
const STAMP = '.source-hash';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

/** A hash of everything the build reads: the console's sources, its config, and the locked versions. */
export async function consoleSourceHash(): Promise<string> {
  const files = [
    ...(await filesUnder(path.join(CONSOLE_DIR, 'src'))),
    path.join(CONSOLE_DIR, 'index.html'),
    path.join(CONSOLE_DIR, 'vite.config.ts'),
    path.join(ROOT, 'package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash
      .update(path.relative(ROOT, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

export async function isConsoleBuildCurrent(): Promise<boolean> {
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html'))) return false;
  const stamp = await readFile(path.join(CONSOLE_DIST, STAMP), 'utf8').catch(() => '');
  return stamp.trim() === (await consoleSourceHash());
}

/** Builds console/dist unless it is current; returns whether it built. */
export async function ensureConsoleBuilt(opts: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!opts.force && (await isConsoleBuildCurrent())) {
    if (!opts.quiet) console.log('console: console/dist is up to date');
    return false;
  }
  const started = Date.now();
  const hash = await consoleSourceHash();
  const tmp = path.join(CONSOLE_DIR, `.dist-${process.pid}-${Date.now()}`);
  const { build } = await import('vite');
  try {
    await build({
      configFile: path.join(CONSOLE_DIR, 'vite.config.ts'),
      logLevel: opts.quiet ? 'error' : 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
    await writeFile(path.join(tmp, STAMP), `${hash}\n`);
    const old = `${CONSOLE_DIST}.old-${process.pid}-${Date.now()}`;
    if (existsSync(CONSOLE_DIST)) await rename(CONSOLE_DIST, old);
    await rename(tmp, CONSOLE_DIST);
    await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (!opts.quiet)
    console.log(`console: built console/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureConsoleBuilt({ force: process.argv.includes('--force') }).catch((err: unknown) => {
    console.error('console: the build failed', err);
    process.exit(1);
  });
}
