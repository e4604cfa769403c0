import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

export interface DeadLetterReason {
  code: string;
  reason: string;
}

/**
 * A dead-letter record: the original key, value (bytes untouched) and headers, plus headers
 * naming why and where from, so nothing is lost and a person can replay it after a fix.
 */
export function deadLetterMessage(params: {
  service: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
  why: DeadLetterReason;
}): Message {
  const headers: IHeaders = { ...(params.message.headers ?? {}) };
  headers['tierflow.dlq.code'] = params.why.code;
  headers['tierflow.dlq.reason'] = params.why.reason;
  headers['tierflow.dlq.source.topic'] = params.topic;
  headers['tierflow.dlq.source.partition'] = String(params.partition);
  headers['tierflow.dlq.source.offset'] = params.message.offset;
  headers['tierflow.dlq.service'] = params.service;
  return { key: params.message.key, value: params.message.value, headers, timestamp: params.message.timestamp };
}

/** Reads a dead-letter header back as a string (headers arrive as Buffers). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

/**
 * A dead-letter record for a derived event that could not be encoded (it never reached its
 * topic): the key, the event as its service stored it (JSON text, so a person can fix and
 * resend it) and headers naming why, which topic it was for, and where it was stored.
 */
export function outputDeadLetter(params: {
  service: string;
  /** the topic the event was for */
  topic: string;
  /** where it waited, e.g. `outbox` */
  source: string;
  key: string | null;
  stored: string;
  why: DeadLetterReason;
}): Message {
  return {
    key: params.key,
    value: Buffer.from(params.stored),
    headers: {
      'tierflow.dlq.code': params.why.code,
      'tierflow.dlq.reason': params.why.reason,
      'tierflow.dlq.target.topic': params.topic,
      'tierflow.dlq.source': params.source,
      'tierflow.dlq.service': params.service,
      'content-type': 'application/json',
    },
  };
}

/** The code and reason of an error that dead-letters a record (an EncodeError, a DecodeError, ...). */
export function reasonOf(err: unknown, fallbackCode: string): DeadLetterReason {
  const e = err as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : fallbackCode,
    reason: typeof e?.message === 'string' ? e.message.slice(0, 1_000) : String(err).slice(0, 1_000),
  };
}
