import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { createRegistryFetch } from '@tierflow/runtime/codec/registry-http';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { readSchemaFile } from '@tierflow/contracts/events/schema-files';
import { registryTlsEnv, stackSecurity } from '../../support/secure-stack';

const sec = stackSecurity();
const secured = () => connectionConfig({ ...process.env, ...registryTlsEnv() });
const event = {
  transactionId: 'tx-1', customerId: 'c-1', occurredAt: Date.UTC(2025, 0, 2), kind: 'CHARGE', amountMinor: 1234, costMinor: 100,
  currency: 'USD', product: 'p',
};

/** The registry's own answer for a subject's level, read straight from Apicurio's plain port. */
async function levelOf(subject: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${sec.ports.registry}/apis/ccompat/v7/config/${encodeURIComponent(subject)}`);
  return { status: res.status, body: await res.text() };
}

describe('the schema registry over TLS with basic auth (the stack\'s TLS front of Apicurio)', () => {
  it('registers and decodes through https with the CA and the password', async () => {
    const c = secured();
    expect(c.registryUrl.startsWith('https://')).toBe(true);
    const codec = new SchemaCodec({ registryUrl: c.registryUrl, registry: c.registry });
    const id = await codec.registerFile(`sec-${randomUUID()}-value`, 'TransactionEvent.avsc');
    const bytes = codec.encode(id, event);
    const fresh = new SchemaCodec({ registryUrl: c.registryUrl, registry: c.registry }); // no cache: fetches the writer by id
    expect(await fresh.decode(bytes)).toEqual(event);
  });

  it('credentials inside SCHEMA_REGISTRY_URL work too (they are moved into the header)', async () => {
    const env = registryTlsEnv();
    const u = new URL(env.SCHEMA_REGISTRY_URL!);
    u.username = sec.user;
    u.password = sec.registryPassword();
    const c = connectionConfig({ ...process.env, SCHEMA_REGISTRY_URL: u.toString(), SCHEMA_REGISTRY_CA_FILE: env.SCHEMA_REGISTRY_CA_FILE! });
    expect(c.registryUrl).not.toContain('@');
    const codec = new SchemaCodec({ registryUrl: c.registryUrl, registry: c.registry });
    expect(await codec.registerFile(`sec-${randomUUID()}-value`, 'TransactionEvent.avsc')).toBeGreaterThan(0);
  });

  it('refuses no password, a wrong password, and a client that does not trust the stack CA', async () => {
    const c = secured();
    const schema = await readSchemaFile('TransactionEvent.avsc');
    const subject = `sec-${randomUUID()}-value`;
    const noAuth = new SchemaCodec({ registryUrl: c.registryUrl, registry: { url: c.registryUrl, ca: c.registry.ca } });
    await expect(noAuth.register(subject, schema)).rejects.toThrow(/refused the schema .*: 401/);
    const wrong = new SchemaCodec({ registryUrl: c.registryUrl, registry: { ...c.registry, password: 'wrong' } });
    await expect(wrong.register(subject, schema)).rejects.toThrow(/401/);
    const noCa = createRegistryFetch({ url: c.registryUrl, username: c.registry.username, password: c.registry.password });
    await expect(noCa('/subjects')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    // nothing was registered by the refused attempts
    const versions = await fetch(`http://127.0.0.1:${sec.ports.registry}/apis/ccompat/v7/subjects/${subject}/versions`);
    expect(versions.status).toBe(404);
  });

  it('leaves the operator\'s compatibility level alone unless SCHEMA_REGISTRY_COMPATIBILITY is set', async () => {
    const c = secured();
    const http = createRegistryFetch(c.registry);
    const subject = `sec-${randomUUID()}-value`;
    // the operator sets FULL on the subject
    const put = await http(`/config/${subject}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ compatibility: 'FULL' }) });
    expect(put.status).toBe(200);
    await new SchemaCodec({ registryUrl: c.registryUrl, registry: c.registry }).registerFile(subject, 'TransactionEvent.avsc');
    expect(JSON.parse((await levelOf(subject)).body)).toEqual({ compatibilityLevel: 'FULL' });
    // configured: the service sets its level
    const configured = connectionConfig({ ...process.env, ...registryTlsEnv(), SCHEMA_REGISTRY_COMPATIBILITY: 'FORWARD' });
    expect(configured.registry.compatibility).toBe('FORWARD');
    await new SchemaCodec({ registryUrl: configured.registryUrl, registry: configured.registry }).registerFile(subject, 'TransactionEvent.avsc');
    expect(JSON.parse((await levelOf(subject)).body)).toEqual({ compatibilityLevel: 'FORWARD' });
  });
});
