#!/usr/bin/python3
"""A billing system that is not ours: encodes TransactionEvents with python3-avro (Debian's) in
the Confluent wire format and produces them with librdkafka (python3-confluent-kafka), whose
default partitioner is consistent_random (CRC32 of the key; keyless records spread at random),
not Java's murmur2.

  avro_produce.py produce  BOOTSTRAP TOPIC SCHEMA_FILE SCHEMA_ID COMPRESSION < lines
  avro_produce.py files    DIR SCHEMA_FILE SCHEMA_ID < lines   (one framed value per file, for kcat)

Each input line is JSON: {"event": {...TransactionEvent...}, "key": "C1" | null, "partition": 3 | null}.
Prints one JSON line with what it did.
"""
import io
import json
import os
import struct
import sys

import avro.io
import avro.schema


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    # timestamp-millis is a plain long on the wire; python-avro would want datetime objects
    for field in raw["fields"]:
        if isinstance(field["type"], dict):
            field["type"].pop("logicalType", None)
    return avro.schema.parse(json.dumps(raw))


def framed(writer, schema_id, event):
    buf = io.BytesIO()
    buf.write(struct.pack(">bI", 0, schema_id))
    writer.write(event, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


def lines():
    for line in sys.stdin:
        line = line.strip()
        if line:
            yield json.loads(line)


def produce(bootstrap, topic, schema_file, schema_id, compression):
    from confluent_kafka import Producer

    writer = avro.io.DatumWriter(load_schema(schema_file))
    errors = []
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "compression.type": compression,
        "linger.ms": 20,
        "enable.idempotence": True,
        "message.timeout.ms": 60000,
    })
    sent = 0
    for item in lines():
        kwargs = {"value": framed(writer, int(schema_id), item["event"])}
        if item.get("key") is not None:
            kwargs["key"] = item["key"].encode()
        if item.get("partition") is not None:
            kwargs["partition"] = int(item["partition"])
        while True:
            try:
                producer.produce(topic, on_delivery=lambda err, _m: err and errors.append(str(err)), **kwargs)
                break
            except BufferError:
                producer.poll(0.1)
        sent += 1
        producer.poll(0)
    left = producer.flush(60)
    print(json.dumps({"sent": sent, "undelivered": left, "errors": errors[:5], "compression": compression}))
    return 1 if left or errors else 0


def files(directory, schema_file, schema_id):
    writer = avro.io.DatumWriter(load_schema(schema_file))
    os.makedirs(directory, exist_ok=True)
    n = 0
    for item in lines():
        with open(os.path.join(directory, "%06d.avro" % n), "wb") as f:
            f.write(framed(writer, int(schema_id), item["event"]))
        n += 1
    print(json.dumps({"files": n}))
    return 0


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "produce":
        sys.exit(produce(*sys.argv[2:7]))
    if mode == "files":
        sys.exit(files(*sys.argv[2:5]))
    sys.exit("usage: avro_produce.py produce|files ...")
