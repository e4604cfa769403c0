/**
 * The one body shape of every service's /healthz and /readyz (the dashboard's too):
 * `{ "status": "ok" | "ready" | "starting", "service": name, "problems"?: [...] }`. The HTTP
 * status says the same (200, or 503 for "starting"); the body is for people and probes that log it.
 */
export interface HealthBody {
  status: 'ok' | 'ready' | 'starting';
  service: string;
  problems?: string[];
}

export const aliveBody = (service: string): HealthBody => ({ status: 'ok', service });

export const readyBody = (service: string, ready: boolean, problems: string[] = []): HealthBody => ({
  status: ready ? 'ready' : 'starting',
  service,
  ...(problems.length > 0 ? { problems } : {}),
});
