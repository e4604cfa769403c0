import http from 'node:http';
import https from 'node:https';
import type { RegistryConnection } from './registry-connection';

/** A fetch for registry paths: the base URL, basic auth and the CA are applied to each request. */
export type RegistryFetch = (path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<Response>;

/**
 * Requests to the schema registry over Node's http/https with a keep-alive agent (the same agent
 * @kafkajs/confluent-schema-registry is given), so a private CA and basic auth apply to every
 * call the codec makes, and a redirect is returned as it is, never followed.
 */
export function registryAgent(conn: RegistryConnection): http.Agent {
  return conn.url.startsWith('https:')
    ? new https.Agent({ keepAlive: true, ...(conn.ca ? { ca: conn.ca } : {}) })
    : new http.Agent({ keepAlive: true });
}

export function basicAuthHeader(conn: RegistryConnection): Record<string, string> {
  if (conn.username === undefined) return {};
  return { Authorization: `Basic ${Buffer.from(`${conn.username}:${conn.password ?? ''}`).toString('base64')}` };
}

export function createRegistryFetch(conn: RegistryConnection, agent: http.Agent = registryAgent(conn)): RegistryFetch {
  const auth = basicAuthHeader(conn);
  return (path, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(conn.url + path);
      const send = url.protocol === 'https:' ? https.request : http.request;
      const req = send(
        url,
        { method: init.method ?? 'GET', agent, headers: { Accept: 'application/json', ...auth, ...init.headers }, timeout: 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`registry request timed out: ${url.pathname}`)));
      req.on('error', reject);
      req.end(init.body);
    });
}
