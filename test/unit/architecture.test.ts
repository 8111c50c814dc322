import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering the README describes, checked on the code's own imports (static and dynamic,
 * type-only included): arrows point inward, no circles, src/ never reaches into workers/, edges
 * never touch mongoose models, and the domain imports no framework.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const TOP = ['src', 'workers', 'bots'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name === 'node_modules' || name === 'model' || name === 'corpus') continue;
      out.push(...sourceFiles(full));
    } else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const IMPORT =
  /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
}

const rel = (f: string) => path.relative(ROOT, f);
const files = TOP.flatMap((d) => sourceFiles(path.join(ROOT, d)));
const graph = new Map<string, { local: string[]; packages: string[] }>();
for (const file of files) {
  const local: string[] = [];
  const packages: string[] = [];
  for (const spec of importsOf(file)) {
    if (spec.startsWith('.')) {
      local.push(rel(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts')));
    } else packages.push(spec);
  }
  graph.set(rel(file), { local, packages });
}

describe('the import structure', () => {
  it('finds the project (a sanity check of this test)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/app.ts')?.local).toContain('src/composition/core.ts');
  });

  it('has no circle', () => {
    // Tarjan's strongly connected components: any component of more than one file is a circle.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v)?.local ?? []) {
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
      }
      if (low.get(v) === idx.get(v)) {
        const component: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!idx.has(v)) visit(v);
    expect(circles).toEqual([]);
  });

  it('never imports workers/ from src/', () => {
    const arrows = [...graph].flatMap(([from, { local }]) =>
      from.startsWith('src/')
        ? local.filter((to) => to.startsWith('workers/')).map((to) => `${from} -> ${to}`)
        : [],
    );
    expect(arrows).toEqual([]);
  });

  it('keeps mongoose models behind the repositories', () => {
    const edges = ['src/http/', 'src/realtime/', 'src/channels/', 'src/core/', 'workers/', 'bots/'];
    const arrows = [...graph].flatMap(([from, { local, packages }]) =>
      edges.some((e) => from.startsWith(e))
        ? [
            ...local.filter((to) => to.startsWith('src/db/')).map((to) => `${from} -> ${to}`),
            ...packages.filter((p) => p === 'mongoose').map((p) => `${from} -> ${p}`),
          ]
        : [],
    );
    expect(arrows).toEqual([]);
  });

  it('keeps the domain free of frameworks and of the outer layers', () => {
    const frameworks =
      /^(fastify|@fastify\/|socket\.io|mongoose|bullmq|ioredis|@slack\/|discord\.js|nodemailer|pino)/;
    const arrows = [...graph].flatMap(([from, { local, packages }]) =>
      from.startsWith('src/core/')
        ? [
            ...packages.filter((p) => frameworks.test(p)).map((p) => `${from} -> ${p}`),
            ...local.filter((to) => !to.startsWith('src/core/')).map((to) => `${from} -> ${to}`),
          ]
        : [],
    );
    expect(arrows).toEqual([]);
  });
});
