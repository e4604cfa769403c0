import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { DeadLetterReason } from '@tierflow/runtime/exactly-once/dead-letter';
import type { TransactionEvent } from '@tierflow/contracts/events/event-types';
import { validateTransaction, type ValidationRules } from '@tierflow/contracts/validation/transaction';

/** Header of a re-keyed record naming where it came from: `<topic>:<partition>:<offset>`. */
export const SOURCE_HEADER = 'tierflow.source';

export type Route = { ok: true; message: Message } | { ok: false; why: DeadLetterReason };

/**
 * Where one decoded billing record goes: refused (the transaction rules, or a record key that is
 * not its customerId) or re-keyed by its customerId for the by-customer topic, with its value
 * bytes, headers and timestamp untouched. A record without a key is fine: the customerId in the
 * value decides. Pure.
 */
export function routeTransaction(
  source: { topic: string; partition: number },
  message: KafkaMessage,
  event: TransactionEvent,
  rules: ValidationRules,
  nowMs: number,
): Route {
  const verdict = validateTransaction(event, rules, nowMs);
  if (!verdict.ok) return { ok: false, why: { code: verdict.code, reason: verdict.reason } };
  const key = message.key === null || message.key.length === 0 ? null : message.key.toString();
  if (key !== null && key !== event.customerId) {
    return { ok: false, why: { code: 'KEY_MISMATCH', reason: `record key ${key.slice(0, 200)} is not its customerId ${event.customerId}` } };
  }
  const headers: IHeaders = { ...(message.headers ?? {}), [SOURCE_HEADER]: `${source.topic}:${source.partition}:${message.offset}` };
  return { ok: true, message: { key: event.customerId, value: message.value, headers, timestamp: message.timestamp } };
}

/**
 * The billing.transactions position a re-keyed record came from (its SOURCE_HEADER), so a
 * record refused later, by the apply stage, is dead-lettered naming where its producer put it.
 * Null for a record without the header.
 */
export function sourceOf(message: KafkaMessage): { topic: string; partition: number; offset: string } | null {
  const position = sourcePositionOf(message);
  if (position === null) return null;
  const colon = position.key.lastIndexOf(':');
  return { topic: position.key.slice(0, colon), partition: Number(position.key.slice(colon + 1)), offset: String(position.offset) };
}

const DIGITS = /^\d+$/;

/**
 * The same position as the apply stage's source fence reads it (repartition/source-fence.ts):
 * `<topic>:<partition>` and the offset there; null without a well-formed header. Called once
 * per record on the apply path, so it splits the header at its last two colons (topic names
 * have none) instead of matching the whole text against a pattern.
 */
export function sourcePositionOf(message: KafkaMessage): { key: string; offset: number } | null {
  const raw = message.headers?.[SOURCE_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return null;
  const text = value.toString();
  const last = text.lastIndexOf(':');
  const middle = last > 0 ? text.lastIndexOf(':', last - 1) : -1;
  if (middle < 0) return null;
  const partition = text.slice(middle + 1, last);
  const offset = text.slice(last + 1);
  if (!DIGITS.test(partition) || !DIGITS.test(offset)) return null;
  return { key: text.slice(0, last), offset: Number(offset) };
}
