import type { ProfileInvalid } from '../validation/profile';
import type { InvalidReason } from '../validation/transaction';

/**
 * Why a record could not be decoded. Non-retriable reasons send the record to a dead-letter
 * topic; REGISTRY_UNAVAILABLE (the registry cannot be reached, or answers 5xx/429) is retried
 * and never dead-lettered. See docs/decisions.md ("Poison records").
 */
export type DecodeFailure =
  | 'EMPTY_VALUE'
  | 'TOO_SHORT'
  | 'BAD_MAGIC_BYTE'
  | 'UNKNOWN_SCHEMA_ID'
  /** the id resolves to a schema that is not Avro (JSON Schema, PROTOBUF) */
  | 'NOT_AVRO_SCHEMA'
  /** the id resolves to text avsc cannot parse as an Avro schema */
  | 'BAD_SCHEMA'
  /** the registry's answer is not the JSON it should be (an HTML page from a proxy, say), after bounded retries */
  | 'BAD_REGISTRY_ANSWER'
  | 'BAD_PAYLOAD'
  | 'REGISTRY_UNAVAILABLE';

/** Why a value could not be encoded with its schema. Never retriable: the value is wrong. */
export type EncodeFailure =
  /** a fractional number where the schema has an int or a long */
  | 'NOT_AN_INTEGER'
  /** an int outside 32 bits, a long beyond 2^53, a non-finite float */
  | 'OUT_OF_RANGE'
  /** any other mismatch: a missing field, a wrong type, an unknown enum symbol */
  | 'SCHEMA_MISMATCH'
  /** the schema id is not registered through this codec (a programming error) */
  | 'UNKNOWN_SCHEMA';

/**
 * The codes a dead-letter record can carry in its `tierflow.dlq.code` header. They are a
 * contract: whoever replays or counts dead letters reads them.
 */
export type DeadLetterCode =
  | Exclude<DecodeFailure, 'REGISTRY_UNAVAILABLE'>
  | EncodeFailure
  /** the transaction rules (shared/contracts/src/validation/transaction.ts) */
  | InvalidReason
  /** the profile rules (shared/contracts/src/validation/profile.ts) */
  | ProfileInvalid
  /** a profile tombstone whose key is not a customer id */
  | 'PROFILE_BAD_KEY'
  /** a record whose key is not its customerId */
  | 'KEY_MISMATCH'
  /** a transaction on a shard partition its customer does not belong to */
  | 'WRONG_SHARD'
  /** churn-watch / ranker: a CustomerAggregate it cannot use */
  | 'BAD_AGGREGATE'
  /** churn-watch: a TierChange it cannot use */
  | 'BAD_TIER_CHANGE'
  /** an input record that failed for a reason without a code of its own */
  | 'BAD_INPUT'
  /** an outbox entry that cannot be read back or encoded */
  | 'BAD_OUTBOX_ENTRY';

/** Why an HTTP request was refused (RequestError): the `error` field of the 4xx body. */
export type RequestRefusal =
  | 'BAD_CUSTOMER_ID'
  | 'BAD_SCOPE'
  | 'BAD_LIMIT'
  | 'BAD_MANAGER'
  | 'BAD_CELL'
  | 'BAD_TYPE'
  | 'UNKNOWN_LIST';

/** Every code a tierflow error carries (TierflowError.code). */
export type ErrorCode =
  | DeadLetterCode
  | RequestRefusal
  | DecodeFailure
  /** a configuration (environment, tier rules) that cannot work */
  | 'CONFIG_INVALID'
  /** a stored ranker snapshot that cannot be read back */
  | 'BAD_SNAPSHOT'
  /** restoring a snapshot into an engine that already holds customers */
  | 'NOT_EMPTY'
  /** the rank index: a customer it does not hold */
  | 'NOT_FOUND'
  /** the ranker's input topic has more than one partition */
  | 'BAD_TOPIC'
  /** another writer owns the data (a newer instance, a moved partition) */
  | 'FENCED'
  | 'CONFIG_VERSION_MISMATCH'
  /** optimistic writes kept conflicting */
  | 'VERSION_CONFLICT'
  /** a Lua script refused its arguments (shared/runtime/src/redis/scripts.ts): a programming error */
  | 'SCRIPT_NOT_ALLOWED'
  | 'SCRIPT_BAD_GUARD'
  | 'SCRIPT_BAD_ARGS'
  /** Redis answered a pipeline with nothing, or with an error for one of its commands */
  | 'REDIS_PIPELINE'
  | 'REDIS_LOAD'
  /** Kafka did not acknowledge a send (an outbox keeps its entries and sends them again) */
  | 'KAFKA_SEND'
  /** webhook delivery failures (services/alerter) */
  | 'HTTP_STATUS'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'REDIRECT'
  /** a wait cut short because the service stops */
  | 'STOPPING'
  /** the portfolio lists hold more customers than they are built for */
  | 'PORTFOLIO_TOO_LARGE'
  /** CLI: a mistake in how it was called */
  | 'USAGE'
  /** CLI: a failure it explains in one line with its exit code */
  | 'CLI_FAILURE'
  /** CLI / local stack: a tool it needs is not installed */
  | 'MISSING_TOOL'
  | 'NO_CHROMIUM';
