import registryPkg from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { DecodeError } from './codec-errors';
import type { Logger } from './logger';
import { readSchemaFile } from './schema-files';
import { frame, unframe } from './wire-format';

const { SchemaRegistry, SchemaType } = registryPkg;
type Resolver = ReturnType<avro.Type['createResolver']>;
type Registry = InstanceType<typeof SchemaRegistry>;

export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'NONE';

/**
 * Avro through a Confluent-compatible schema registry (Apicurio's /apis/ccompat/v7).
 * Registration goes through @kafkajs/confluent-schema-registry; encoding and decoding are done
 * here against cached avsc types, so the hot path makes no HTTP call and allocates little.
 * A reader type may be given to decode: records written with a newer (or older) compatible
 * schema are resolved into it, as Avro schema resolution says.
 */
export class SchemaCodec {
  private readonly registry: Registry;
  private readonly writerTypes = new Map<number, Promise<avro.Type>>();
  private readonly resolved = new Map<number, avro.Type>();
  private readonly resolvers = new WeakMap<avro.Type, Map<number, Resolver | null>>();

  constructor(private readonly params: { registryUrl: string; logger?: Logger }) {
    this.registry = new SchemaRegistry({ host: params.registryUrl, retry: { retries: 3 } });
  }

  /** Sets the subject's compatibility, then registers the schema (idempotent). Returns its id. */
  async register(subject: string, schemaText: string, compatibility: Compatibility = 'BACKWARD'): Promise<number> {
    await this.setCompatibility(subject, compatibility);
    const { id } = await this.registry.register(
      { type: SchemaType.AVRO, schema: schemaText },
      { subject, compatibility: compatibility as never },
    );
    const type = avro.Type.forSchema(JSON.parse(schemaText));
    this.writerTypes.set(id, Promise.resolve(type));
    this.resolved.set(id, type);
    this.params.logger?.debug({ subject, id }, 'schema registered');
    return id;
  }

  /** Registers schemas/<fileName> under subject. */
  async registerFile(subject: string, fileName: string, compatibility?: Compatibility): Promise<number> {
    return this.register(subject, await readSchemaFile(fileName), compatibility);
  }

  async setCompatibility(subject: string, compatibility: Compatibility): Promise<void> {
    const res = await fetch(`${this.params.registryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility }),
    });
    if (!res.ok) {
      throw new Error(`registry refused compatibility ${compatibility} for ${subject}: ${res.status} ${await res.text()}`);
    }
  }

  /** Encodes with a registered schema id (registered through this codec). Synchronous. */
  encode(schemaId: number, value: unknown): Buffer {
    const type = this.resolved.get(schemaId);
    if (!type) throw new Error(`schema ${schemaId} is not registered through this codec`);
    return frame(schemaId, type.toBuffer(value));
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
    const { schemaId, body } = unframe(value);
    const writer = this.resolved.get(schemaId) ?? (await this.fetchWriter(schemaId));
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
    let pending = this.writerTypes.get(schemaId);
    if (!pending) {
      pending = this.loadWriter(schemaId);
      this.writerTypes.set(schemaId, pending);
      // a failed look-up is not cached: the registry may come back, or the id may be bad
      pending.catch(() => this.writerTypes.delete(schemaId));
    }
    return pending;
  }

  private async loadWriter(schemaId: number): Promise<avro.Type> {
    let res: Response;
    try {
      res = await fetch(`${this.params.registryUrl}/schemas/ids/${schemaId}`);
    } catch (err) {
      throw new DecodeError('REGISTRY_UNAVAILABLE', `registry unreachable: ${(err as Error).message}`);
    }
    if (res.status === 404) {
      throw new DecodeError('UNKNOWN_SCHEMA_ID', `schema id ${schemaId} is not in the registry`);
    }
    if (!res.ok) {
      throw new DecodeError('REGISTRY_UNAVAILABLE', `registry answered ${res.status} for schema ${schemaId}`);
    }
    const { schema } = (await res.json()) as { schema: string };
    const type = avro.Type.forSchema(JSON.parse(schema));
    this.resolved.set(schemaId, type);
    return type;
  }
}
