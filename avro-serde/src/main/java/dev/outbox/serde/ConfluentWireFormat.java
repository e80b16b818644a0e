package dev.outbox.serde;

import java.util.HexFormat;

/**
 * The Confluent wire format: magic byte {@code 0x00}, the schema id as a 4-byte big-endian int, then the Avro binary
 * encoding of the datum (no Avro container-file header, no schema).
 */
public final class ConfluentWireFormat {

    /** The first byte of every payload. */
    public static final byte MAGIC_BYTE = 0x0;
    /** Bytes before the Avro body: magic byte and schema id. */
    public static final int HEADER_LENGTH = 5;

    private static final String FORMAT = "Confluent Avro wire format (0x00 + 4-byte schema id + Avro binary)";

    private ConfluentWireFormat() {
    }

    /**
     * Checks the header of a payload and returns its schema id.
     *
     * @param topic   for the error message; may be null
     * @param payload the record key or value; not null
     * @throws UnknownMagicByteException   when the first byte is not 0x00
     * @throws InvalidWireFormatException when the payload is shorter than the 5-byte header
     */
    public static int schemaId(String topic, byte[] payload) {
        if (payload.length > 0 && payload[0] != MAGIC_BYTE) {
            throw new UnknownMagicByteException(String.format(
                    "Unknown magic byte 0x%02x at offset 0 for topic %s: not %s; the payload (%d bytes) starts with %s",
                    payload[0], topic, FORMAT, payload.length, preview(payload)), topic, payload.length, payload[0]);
        }
        if (payload.length < HEADER_LENGTH) {
            throw new InvalidWireFormatException("Payload of " + payload.length + " byte(s) for topic " + topic
                    + " is too short for " + FORMAT + ": at least " + HEADER_LENGTH + " bytes are needed"
                    + (payload.length > 0 ? "; got " + preview(payload) : ""), topic, payload.length);
        }
        return ((payload[1] & 0xff) << 24) | ((payload[2] & 0xff) << 16) | ((payload[3] & 0xff) << 8)
                | (payload[4] & 0xff);
    }

    /** Writes the 5-byte header for a schema id into {@code target}, which must hold at least 5 bytes. */
    public static void writeHeader(int schemaId, byte[] target) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    /** Up to the first 16 bytes in hex, and as text when they are printable. */
    static String preview(byte[] payload) {
        int n = Math.min(payload.length, 16);
        StringBuilder hex = new StringBuilder(HexFormat.ofDelimiter(" ").formatHex(payload, 0, n));
        if (payload.length > n) {
            hex.append(" ...");
        }
        boolean printable = true;
        for (int i = 0; i < n; i++) {
            if (payload[i] < 0x20 || payload[i] > 0x7e) {
                printable = false;
                break;
            }
        }
        if (printable) {
            hex.append(" (\"").append(new String(payload, 0, n, java.nio.charset.StandardCharsets.US_ASCII))
                    .append(payload.length > n ? "...\")" : "\")");
        }
        return hex.toString();
    }
}
