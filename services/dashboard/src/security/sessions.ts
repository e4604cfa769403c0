import { randomBytes } from 'node:crypto';

/**
 * Browser sessions from the one-time exchange (POST /auth/session with the token in the
 * Authorization header): the cookie carries a random session id, never the token. Kept in
 * memory (a restart signs browsers out), bounded: the oldest session goes first.
 */
export class SessionStore {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly params: { ttlMs: number; max?: number; now?: () => number }) {}

  create(): string {
    const id = randomBytes(32).toString('base64url');
    const max = this.params.max ?? 10_000;
    while (this.sessions.size >= max) this.sessions.delete(this.sessions.keys().next().value as string);
    this.sessions.set(id, this.now() + this.params.ttlMs);
    return id;
  }

  valid(id: string | null): boolean {
    if (!id) return false;
    const until = this.sessions.get(id);
    if (until === undefined) return false;
    if (until < this.now()) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  private now(): number {
    return (this.params.now ?? Date.now)();
  }
}
