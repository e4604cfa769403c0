import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'html' | 'unavailable';

/**
 * A tiny HTTP server on 127.0.0.1 in front of the real schema registry: it forwards every
 * request, except `GET .../schemas/ids/<id>`, which it answers with an HTML page and status 200
 * (a captive proxy or a misrouted URL) in `html` mode, or 503 (an outage) in `unavailable`
 * mode. Use its url as SCHEMA_REGISTRY_URL of the service under test.
 */
export async function startRegistryProxy(targetUrl: string): Promise<{ url: string; setMode: (m: ProxyMode) => void; idLookups: () => number; close: () => Promise<void> }> {
  const target = new URL(targetUrl);
  let mode: ProxyMode = 'html';
  let lookups = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (req.method === 'GET' && /\/schemas\/ids\/\d+/.test(path)) {
        lookups++;
        if (mode === 'html') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body><h1>Please sign in</h1></body></html>');
          return;
        }
        if (mode === 'unavailable') {
          res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>503 Service Unavailable</body></html>');
          return;
        }
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      fetch(`${target.protocol}//${target.host}${path}`, {
        method: req.method,
        headers,
        body: chunks.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined,
      })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    setMode: (m) => {
      mode = m;
    },
    idLookups: () => lookups,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Registers a non-Avro schema (JSON Schema or PROTOBUF) through the ccompat API; returns its id. */
export async function registerForeignSchema(registryUrl: string, subject: string, schemaType: 'JSON' | 'PROTOBUF', schema: string): Promise<number> {
  const res = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schemaType, schema }),
  });
  if (!res.ok) throw new Error(`registry refused the ${schemaType} schema: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}
