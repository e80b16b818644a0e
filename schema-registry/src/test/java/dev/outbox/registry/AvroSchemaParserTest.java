package dev.outbox.registry;

import dev.outbox.registry.http.RegistryException;
import dev.outbox.registry.schema.AvroSchemaParser;
import dev.outbox.registry.schema.ParsedSchema;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The normal form ids are assigned to: Avro's parsed Schema.toString(), not Parsing Canonical Form. */
class AvroSchemaParserTest {

    private static final String COMPACT = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\","
            + "\"doc\":\"An order.\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"total\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

    private static ParsedSchema parse(String text) {
        return AvroSchemaParser.parse(text, List.of(), List.of(), true);
    }

    @Test
    void whitespaceAndKeyOrderGiveTheSameNormalFormAndFingerprint() {
        String reformatted = """
                {
                  "namespace" : "shop",   "name": "Order",
                  "type": "record", "doc": "An order.",
                  "fields": [
                    { "type": "string", "name": "id" },
                    { "name": "total", "type": { "type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2 } },
                    { "default": null, "type": [ "null", "string" ], "name": "note" }
                  ]
                }
                """;
        ParsedSchema a = parse(COMPACT);
        ParsedSchema b = parse(reformatted);
        assertThat(b.canonical()).isEqualTo(a.canonical());
        assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
    }

    @Test
    void propertiesOfATypeKeepTheirOrderAsInConfluent() {
        // Avro's toString() writes a type's own properties (logicalType, precision, ...) in the order given; Confluent
        // compares that same text, so a reordering there is a different schema text in both registries
        String reordered = COMPACT.replace("\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2",
                "\"scale\":2,\"precision\":9,\"logicalType\":\"decimal\"");
        assertThat(parse(reordered).canonical()).isNotEqualTo(parse(COMPACT).canonical());
        assertThat(parse(reordered).schema()).isEqualTo(parse(COMPACT).schema());
    }

    @Test
    void normalFormIsAvrosToStringKeepingDocsDefaultsAndLogicalTypes() {
        ParsedSchema parsed = parse(COMPACT);
        assertThat(parsed.canonical()).isEqualTo(new Schema.Parser().parse(COMPACT).toString());
        assertThat(parsed.canonical()).contains("\"doc\":\"An order.\"", "\"default\":null", "\"logicalType\":\"decimal\"");
        // Parsing Canonical Form would have dropped all three
        assertThat(org.apache.avro.SchemaNormalization.toParsingForm(parsed.schema())).doesNotContain("doc", "default", "logicalType");
    }

    @Test
    void aDifferentDefaultOrDocIsADifferentSchema() {
        ParsedSchema base = parse(COMPACT);
        assertThat(parse(COMPACT.replace("An order.", "An order!")).fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(parse(COMPACT.replace("\"default\":null", "\"default\":null,\"doc\":\"free text\"")).fingerprint())
                .isNotEqualTo(base.fingerprint());
    }

    @Test
    void invalidDefaultsAreRefusedOnRegistrationOnly() {
        String badDefault = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\",\"default\":\"x\"}]}";
        assertThatThrownBy(() -> parse(badDefault)).isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).errorCode()).isEqualTo(42201));
        assertThat(AvroSchemaParser.parse(badDefault, List.of(), List.of(), false).canonical()).contains("\"default\":\"x\"");
    }

    @Test
    void textThatIsNotAnAvroSchemaIsAnInvalidSchema() {
        for (String text : List.of("{not json", "{\"type\":\"record\",\"name\":\"R\"}", "\"no.such.Type\"", " ")) {
            assertThatThrownBy(() -> parse(text)).as(text).isInstanceOf(RegistryException.class)
                    .satisfies(e -> assertThat(((RegistryException) e).errorCode()).isEqualTo(42201));
        }
    }
}
