import { readFileSync } from 'node:fs';
import ts from 'typescript';
import type { JsonSchema } from './fuzz.js';

/**
 * The app's whole surface, read from what the app itself declares: the REST routes from its
 * OpenAPI document (/docs/json) and the socket events from the typed event interfaces
 * (src/realtime/socket-types.ts). Tests built on these cover a route or event the day it lands.
 */

export interface RouteOp {
  method: string;
  /** OpenAPI form: /api/v1/tickets/{id} */
  path: string;
  /** `METHOD /path` as the tables name it. */
  key: string;
  security: string[];
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema; required: boolean }[];
  headers: { name: string; schema: JsonSchema; required: boolean }[];
  body?: { contentType: string; schema: JsonSchema; required: boolean };
}

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}
interface OpenApiOperation {
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export async function routesOf(url: string): Promise<RouteOp[]> {
  const res = await fetch(`${url}/docs/json`);
  if (res.status !== 200) throw new Error(`/docs/json answered ${res.status}`);
  const doc = (await res.json()) as OpenApiDoc;
  const ops: RouteOp[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      const pick = (where: string) =>
        params
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required === true }));
      const content = op.requestBody?.content ?? {};
      const contentType = Object.keys(content)[0];
      ops.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        security: (op.security ?? []).flatMap((s) => Object.keys(s)),
        pathParams: pick('path'),
        query: pick('query'),
        headers: pick('header'),
        ...(contentType
          ? {
              body: {
                contentType,
                schema: content[contentType]?.schema ?? {},
                required: op.requestBody?.required === true,
              },
            }
          : {}),
      });
    }
  }
  return ops.sort((a, b) => a.key.localeCompare(b.key));
}

export interface SocketEvent {
  namespace: string;
  event: string;
  /** `namespace event` as the tables name it. */
  key: string;
  /** The TypeBox schema's export name in src/realtime/payloads.ts (null: no payload type). */
  payloadSchema: string | null;
  /** Whether the payload may be left out (`… | undefined`). */
  payloadOptional: boolean;
  acked: boolean;
}

/** Which namespace each client-event interface belongs to; a new interface must be added here. */
const NAMESPACE_OF: Record<string, string> = {
  WidgetClientEvents: '/widget',
  AgentClientEvents: '/agents',
  SupervisorClientEvents: '/supervisors',
};

/** Every client→server event of every namespace, from the interfaces in socket-types.ts. */
export function socketEvents(file = 'src/realtime/socket-types.ts'): SocketEvent[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const events: SocketEvent[] = [];
  const unknownInterfaces: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith('ClientEvents')) return;
    const namespace = NAMESPACE_OF[node.name.text];
    if (!namespace) {
      unknownInterfaces.push(node.name.text);
      return;
    }
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || !member.type || !ts.isFunctionTypeNode(member.type)) continue;
      const name = member.name;
      const event = ts.isStringLiteral(name) || ts.isIdentifier(name) ? name.text : name.getText(source);
      const [payload, ack] = member.type.parameters;
      const typeText = payload?.type?.getText(source) ?? '';
      const schema = /Static<typeof (\w+)>/.exec(typeText)?.[1] ?? null;
      events.push({
        namespace,
        event,
        key: `${namespace} ${event}`,
        payloadSchema: schema,
        payloadOptional: /\|\s*undefined/.test(typeText) || payload?.questionToken !== undefined,
        acked: ack !== undefined,
      });
    }
  });
  if (unknownInterfaces.length) {
    throw new Error(
      `socket-types.ts has client events of an unknown namespace: ${unknownInterfaces.join(', ')}`,
    );
  }
  return events;
}

/** fastify's `/tickets/:id` from OpenAPI's `/tickets/{id}`, with the values filled in. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? 'x');
}
