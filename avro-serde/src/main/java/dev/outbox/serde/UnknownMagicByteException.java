package dev.outbox.serde;

/**
 * The first byte of a payload is not the Confluent wire format's magic byte {@code 0x00}: the record was written by
 * something else (JSON, a string serializer, another registry's format ...).
 */
public class UnknownMagicByteException extends InvalidWireFormatException {

    private static final long serialVersionUID = 1L;

    private final byte magicByte;

    public UnknownMagicByteException(String message, String topic, int length, byte magicByte) {
        super(message, topic, length);
        this.magicByte = magicByte;
    }

    /** The byte found where {@code 0x00} was expected. */
    public byte getMagicByte() {
        return magicByte;
    }
}
