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
