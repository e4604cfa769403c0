import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * The local stack's TLS front of the registry: HTTPS with the stack's server certificate,
 * HTTP basic auth for one user, every other request forwarded as it is to the registry's own
 * plain-HTTP port on loopback (Apicurio's own auth needs an OIDC server, which the stack does not
 * run). It lets the codec's TLS and basic-auth paths be tested against the real registry.
 */
export function createRegistryProxy(params: {
  cert: string;
  key: string;
  user: string;
  password: string;
  upstreamPort: number;
}): https.Server {
  const expected = Buffer.from(`Basic ${Buffer.from(`${params.user}:${params.password}`).toString('base64')}`);
  const authorised = (header: string | undefined) => {
    const got = Buffer.from(header ?? '');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  return https.createServer({ cert: params.cert, key: params.key }, (req, res) => {
    if (!authorised(req.headers.authorization)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="tierflow registry"', 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
      return;
    }
    const { authorization: _drop, host: _host, ...headers } = req.headers;
    const upstream = http.request(
      { host: '127.0.0.1', port: params.upstreamPort, method: req.method, path: req.url, headers, agent, timeout: 30_000 },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 502, message: `registry unreachable: ${err.message}` }));
    });
    req.pipe(upstream);
  });
}
