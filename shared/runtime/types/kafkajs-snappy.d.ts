declare module 'kafkajs-snappy' {
  /** A kafkajs codec factory (kafkajs's CompressionCodecs entry). */
  const SnappyCodec: () => {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  };
  export default SnappyCodec;
}
