package dev.outbox.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A payload given to the deserializer is not in the Confluent wire format: magic byte {@code 0x00}, a 4-byte
 * big-endian schema id, then the Avro binary body. Thrown as is for a payload too short to hold the 5-byte header;
 * see {@link UnknownMagicByteException} for a wrong first byte. Retrying cannot help: the record is poison.
 */
public class InvalidWireFormatException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int length;

    public InvalidWireFormatException(String message, String topic, int length) {
        super(message);
        this.topic = topic;
        this.length = length;
    }

    /** Topic the payload came from (as given to the deserializer); may be null. */
    public String getTopic() {
        return topic;
    }

    /** Length of the rejected payload in bytes. */
    public int getLength() {
        return length;
    }
}
