import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../widget/public');

const FILES: Record<string, { file: string; type: string }> = {
  '/widget.js': { file: 'parley-widget.js', type: 'text/javascript; charset=utf-8' },
  '/demo': { file: 'demo.html', type: 'text/html; charset=utf-8' },
  '/console': { file: 'console.html', type: 'text/html; charset=utf-8' },
};

/** The embeddable widget script, its demo page and the minimal staff console. */
export const widgetAssets: FastifyPluginAsync = async (app) => {
  for (const [route, { file, type }] of Object.entries(FILES)) {
    app.get(route, async (_request, reply) => {
      const body = await readFile(path.join(publicDir, file));
      return reply.header('content-type', type).header('cache-control', 'no-cache').send(body);
    });
  }
  app.get('/', async (_request, reply) => reply.redirect('/demo'));
};
