import avro from 'avsc';
import { DecodeError, EncodeError } from './codec-errors';
import { encodeFailure } from './encode-failure';
import type { Logger } from '../service/logger';
import { registryConnection, type Compatibility, type RegistryConnection } from './registry-connection';
import { createRegistryFetch, type RegistryFetch } from './registry-http';
import { isBadAnswer, writerFromAnswer } from './registry-answer';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { frame, unframe } from './wire-format';

type Resolver = ReturnType<avro.Type['createResolver']>;

/** HTTP attempts for one schema look-up whose answer is not a registry answer (HTML, bad JSON). */
const BAD_ANSWER_ATTEMPTS = 3;
/** How long further records naming such an id fail at once, without asking again. */
const BAD_ANSWER_HOLD_MS = 30_000;

export type { Compatibility };

/**
 * Avro through a Confluent-compatible schema registry (Apicurio's /apis/ccompat/v7).
 * Registration and look-ups are plain calls of its REST API; encoding and decoding are done
 * here against cached avsc types, so the hot path makes no HTTP call and allocates little.
 * A reader type may be given to decode: records written with a newer (or older) compatible
 * schema are resolved into it, as Avro schema resolution says.
 */
/** Tries of a schema registration while the registry is unreachable or answers 5xx (about 45 s in all). */
const REGISTER_ATTEMPTS = 12;

export class SchemaCodec {
  private readonly writerTypes = new Map<number, Promise<avro.Type>>();
  private readonly resolved = new Map<number, avro.Type>();
  private readonly resolvers = new WeakMap<avro.Type, Map<number, Resolver | null>>();
  private readonly failedIds = new Map<number, { error: DecodeError; until: number }>();

  private readonly conn: RegistryConnection;
  private readonly http: RegistryFetch;

  /**
   * `registry` (from connectionConfig().registry) brings basic auth, a CA and the configured
   * compatibility level; without it, credentials in registryUrl are still taken out and used.
   */
  constructor(private readonly params: { registryUrl: string; registry?: RegistryConnection; logger?: Logger }) {
    this.conn = params.registry ?? registryConnection(params.registryUrl, {});
    this.http = createRegistryFetch(this.conn);
  }

  /**
   * Registers the schema (idempotent: the same text gives the same id) and returns its id. The
   * subject's compatibility level is set first only when asked: by the argument, or by
   * SCHEMA_REGISTRY_COMPATIBILITY; otherwise whatever the operator set in the registry stands.
   * (Registration is a plain POST here: @kafkajs/confluent-schema-registry's register() sets
   * BACKWARD on a new subject and refuses a subject whose level differs.) An incompatible schema
   * fails with the registry's 409.
   */
  async register(subject: string, schemaText: string, compatibility?: Compatibility): Promise<number> {
    const level = compatibility ?? this.conn.compatibility;
    if (level) await this.setCompatibility(subject, level);
    const id = await this.postSchema(subject, schemaText);
    const type = avro.Type.forSchema(JSON.parse(schemaText));
    this.writerTypes.set(id, Promise.resolve(type));
    this.resolved.set(id, type);
    this.params.logger?.debug({ subject, id }, 'schema registered');
    return id;
  }

  private async postSchema(subject: string, schemaText: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      let res: Response | undefined;
      let failure: string;
      try {
        res = await this.http(`/subjects/${encodeURIComponent(subject)}/versions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify({ schema: schemaText }),
        });
        if (res.ok) return ((await res.json()) as { id: number }).id;
        failure = `${res.status} ${await res.text()}`;
        // Apicurio answers 409 "already exists" instead of the id when the same schema is posted
        // while its storage is still catching up after a restart, or when an earlier attempt that
        // timed out did register it: the schema is there, so ask for its id.
        if (res.status === 409 && /already exists/i.test(failure)) {
          const id = await this.lookupSchema(subject, schemaText);
          if (id !== null) return id;
          if (attempt < 4) {
            await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
            continue; // not visible yet: ask again
          }
        }
      } catch (err) {
        failure = (err as Error).message;
      }
      // an answer other than 5xx (409 incompatible, 401, 422 bad schema) will not change on retry;
      // an unreachable registry or a 5xx is asked again for about 45 s (a registry restarting
      // while a service starts: the fault suite stops it right after a broker restart)
      if ((res && res.status < 500) || attempt >= REGISTER_ATTEMPTS) throw new Error(`registry refused the schema for ${subject}: ${failure}`);
      this.params.logger?.warn({ subject, attempt, failure }, 'registry not answering: registering again');
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5_000)));
    }
  }

  /** The id of schemaText under subject, when the registry holds it there (null otherwise). */
  private async lookupSchema(subject: string, schemaText: string): Promise<number | null> {
    const res = await this.http(`/subjects/${encodeURIComponent(subject)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: schemaText }),
    });
    if (!res.ok) return null;
    const id = ((await res.json()) as { id?: unknown }).id;
    return typeof id === 'number' ? id : null;
  }

  /** Registers schemas/<fileName> under subject. */
  async registerFile(subject: string, fileName: string, compatibility?: Compatibility): Promise<number> {
    return this.register(subject, await readSchemaFile(fileName), compatibility);
  }

  async setCompatibility(subject: string, compatibility: Compatibility): Promise<void> {
    const res = await this.http(`/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility }),
    });
    if (!res.ok) {
      throw new Error(`registry refused compatibility ${compatibility} for ${subject}: ${res.status} ${await res.text()}`);
    }
  }

  /** Deletes a subject, soft then permanently (for tools that register a throwaway subject, such as smoke). */
  async deleteSubject(subject: string): Promise<void> {
    for (const query of ['', '?permanent=true']) {
      const res = await this.http(`/subjects/${encodeURIComponent(subject)}${query}`, { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw new Error(`registry refused to delete ${subject}: ${res.status} ${await res.text()}`);
    }
  }

  /** Subject names the registry lists. */
  async subjects(): Promise<string[]> {
    const res = await this.http('/subjects');
    if (!res.ok) throw new Error(`registry refused the subject list: ${res.status}`);
    return (await res.json()) as string[];
  }

  /** Encodes with a registered schema id (registered through this codec). Synchronous. */
  encode(schemaId: number, value: unknown): Buffer {
    const type = this.resolved.get(schemaId);
    if (!type) throw new EncodeError('UNKNOWN_SCHEMA', `schema ${schemaId} is not registered through this codec`);
    let body: Buffer;
    try {
      body = type.toBuffer(value);
    } catch (err) {
      throw encodeFailure(type, value, err as Error); // EncodeError with a code, never retriable
    }
    return frame(schemaId, body);
  }

  /** The avsc type of a registered id, for building reader types and validating values. */
  typeOf(schemaId: number): avro.Type {
    const type = this.resolved.get(schemaId);
    if (!type) throw new Error(`schema ${schemaId} is not known to this codec`);
    return type;
  }

  /**
   * Decodes a framed record. With a reader type, the writer's schema is resolved into it.
   * Throws DecodeError naming the reason (bad framing, unknown id, bad body, registry down).
   */
  async decode<T = unknown>(value: Buffer | null, reader?: avro.Type): Promise<T> {
    return this.decodeNow<T>(value, reader);
  }

  /**
   * decode, without a promise when the writer's schema is known already (every record but the
   * first of each schema id): the value itself, else a promise of it. For loops over a batch's
   * records, which would otherwise wait a turn of the event loop per record. Throws as decode.
   */
  decodeNow<T = unknown>(value: Buffer | null, reader?: avro.Type): T | Promise<T> {
    const { schemaId, body } = unframe(value);
    const writer = this.resolved.get(schemaId);
    if (writer === undefined) return this.fetchWriter(schemaId).then((w) => this.read<T>(schemaId, w, body, reader));
    return this.read<T>(schemaId, writer, body, reader);
  }

  private read<T>(schemaId: number, writer: avro.Type, body: Buffer, reader?: avro.Type): T {
    try {
      if (!reader || reader === writer) return writer.fromBuffer(body) as T;
      return reader.fromBuffer(body, this.resolverFor(reader, schemaId, writer) ?? undefined) as T;
    } catch (err) {
      throw new DecodeError('BAD_PAYLOAD', `Avro body does not match schema ${schemaId}: ${(err as Error).message}`);
    }
  }

  private resolverFor(reader: avro.Type, schemaId: number, writer: avro.Type): Resolver | null {
    let byId = this.resolvers.get(reader);
    if (!byId) this.resolvers.set(reader, (byId = new Map()));
    let resolver = byId.get(schemaId);
    if (resolver === undefined) {
      resolver = reader.equals(writer) ? null : reader.createResolver(writer);
      byId.set(schemaId, resolver);
    }
    return resolver;
  }

  private fetchWriter(schemaId: number): Promise<avro.Type> {
    const failed = this.failedIds.get(schemaId);
    if (failed && failed.until > Date.now()) return Promise.reject(failed.error);
    let pending = this.writerTypes.get(schemaId);
    if (!pending) {
      pending = this.loadWriter(schemaId);
      this.writerTypes.set(schemaId, pending);
      // a failed look-up is not cached as pending: the registry may come back, or the id may be bad
      pending.catch((err: unknown) => {
        this.writerTypes.delete(schemaId);
        this.rememberFailure(schemaId, err);
      });
    }
    return pending;
  }

  /**
   * Fetches and parses a writer schema. An answer that is not a registry answer (an HTML page
   * from a proxy, invalid JSON) is asked again up to BAD_ANSWER_ATTEMPTS times, then the record
   * is given up on (non-retriable BAD_REGISTRY_ANSWER), and for BAD_ANSWER_HOLD_MS further
   * records naming that id fail at once, so a bad proxy cannot slow a consumer to a crawl.
   * An unreachable registry or a 5xx stays retriable (see registry-answer.ts).
   */
  private async loadWriter(schemaId: number): Promise<avro.Type> {
    for (let attempt = 1; ; attempt++) {
      try {
        const type = writerFromAnswer(schemaId, ...(await this.askRegistry(schemaId)));
        this.resolved.set(schemaId, type);
        return type;
      } catch (err) {
        if (!isBadAnswer(err)) throw err;
        if (attempt >= BAD_ANSWER_ATTEMPTS) {
          const e = err as DecodeError;
          throw new DecodeError(e.code, `${e.message} (after ${attempt} attempts)`, false);
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  private async askRegistry(schemaId: number): Promise<[number, string]> {
    try {
      const res = await this.http(`/schemas/ids/${schemaId}`);
      return [res.status, await res.text()];
    } catch (err) {
      throw new DecodeError('REGISTRY_UNAVAILABLE', `registry unreachable: ${(err as Error).message}`);
    }
  }

  /** Non-retriable look-up failures are remembered: schema ids never change meaning. */
  private rememberFailure(schemaId: number, err: unknown): void {
    if (!(err instanceof DecodeError) || err.retriable || err.code === 'UNKNOWN_SCHEMA_ID') return;
    if (this.failedIds.size >= 10_000) this.failedIds.clear();
    const hold = err.code === 'BAD_REGISTRY_ANSWER' ? BAD_ANSWER_HOLD_MS : Number.POSITIVE_INFINITY;
    this.failedIds.set(schemaId, { error: err, until: Date.now() + hold });
  }
}
