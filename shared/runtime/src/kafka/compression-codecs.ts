import { decompress as zstdDecompress, compress as zstdCompress } from '@mongodb-js/zstd';
import kafkajs, { CompressionTypes } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { z } from 'zod';
import { parseEnv } from '../config/config-env';

/** The codecs Kafka defines, by the names producers' `compression.type` uses. */
export const compressionNames = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof compressionNames)[number];

const types: Record<CompressionName, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export const compressionType = (name: CompressionName): CompressionTypes => types[name];

interface Encoder {
  buffer: Buffer;
}

// kafkajs is CommonJS and Node's ESM loader does not see this export by name
const { CompressionCodecs } = kafkajs;
let registered = false;

/**
 * Teaches kafkajs (which ships only gzip) the other codecs of Kafka's record batches: snappy
 * (kafkajs-snappy, raw and xerial-framed), lz4 (the LZ4 frame format Kafka uses, lz4-napi) and
 * zstd (@mongodb-js/zstd). Both packages ship prebuilt Node-API binaries, so nothing is compiled
 * at install. Idempotent; every Kafka client of the project is made after it ran.
 */
export function registerCompressionCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: (encoder: Encoder) => compressFrame(encoder.buffer),
    decompress: (buffer: Buffer) => decompressFrame(buffer),
  });
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: (encoder: Encoder) => zstdCompress(encoder.buffer, 3),
    decompress: (buffer: Buffer) => zstdDecompress(buffer),
  });
}

/** KAFKA_COMPRESSION: the codec of every batch the project's producers send (default none). */
export const compressionShape = {
  KAFKA_COMPRESSION: z.enum(compressionNames).default('none'),
};

export const compressionFromEnv = (env: NodeJS.ProcessEnv = process.env): CompressionName =>
  parseEnv(compressionShape, env).KAFKA_COMPRESSION;
