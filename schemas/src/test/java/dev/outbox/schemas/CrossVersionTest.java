package dev.outbox.schemas;

import dev.outbox.events.common.DeliveryAddress;
import dev.outbox.events.common.OrderLine;
import dev.outbox.events.order.OrderPlaced;
import org.apache.avro.Schema;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Old and new code keep working together: a consumer compiled against the released v1 of OrderPlaced (generated and
 * compiled here, in its own class loader, from src/main/released) reads data written with the current v2 classes,
 * and the current classes read data written by v1 code. v2 added DeliveryAddress.instructions with a default.
 */
class CrossVersionTest {

    @TempDir
    static Path work;
    static ClassLoader v1;
    static Class<?> v1OrderPlaced;

    @BeforeAll
    static void compileV1() throws Exception {
        Schema released = new Schema.Parser().parse(
                Path.of("src/main/released/dev.outbox.events.order.OrderPlaced/v1.avsc").toFile());
        Path sources = work.resolve("src");
        SpecificCompiler compiler = new SpecificCompiler(released);
        compiler.setStringType(org.apache.avro.generic.GenericData.StringType.String);
        compiler.compileToDestination(null, sources.toFile());
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("java.class.path");
        int status = javac.run(null, null, null, Stream.concat(Stream.of("-d", classes.toString(), "-cp", classpath,
                "-nowarn", "-proc:none"), files.stream()).toArray(String[]::new));
        assertThat(status).as("v1 classes compile").isZero();
        // child-first for the event packages, so these v1 classes shadow the v2 classes on the test classpath
        v1 = new URLClassLoader(new URL[]{classes.toUri().toURL()}, CrossVersionTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("dev.outbox.events.")) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        if (c == null) {
                            c = findClass(name);
                        }
                        return c;
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        v1OrderPlaced = v1.loadClass("dev.outbox.events.order.OrderPlaced");
    }

    private static OrderPlaced v2Event() {
        return OrderPlaced.newBuilder()
                .setEventId(UUID.randomUUID()).setOrderId(UUID.randomUUID()).setSequence(1)
                .setOccurredAt(Instant.parse("2026-11-25T10:15:30.123Z")).setCustomerId("c-7")
                .setLines(List.of(new OrderLine("BOOK-1", 2)))
                .setDeliveryAddress(new DeliveryAddress("Ada", "1 Main St", "London", "N1", "GB", "leave at the door"))
                .build();
    }

    @Test
    void a_consumer_compiled_against_v1_reads_data_written_with_v2() throws Exception {
        OrderPlaced written = v2Event();
        byte[] bytes = write(OrderPlaced.getClassSchema(), written, SpecificData.getForClass(OrderPlaced.class));

        Schema v1Schema = (Schema) v1OrderPlaced.getField("SCHEMA$").get(null);
        assertThat(v1Schema.toString()).doesNotContain("instructions");
        SpecificData v1Model = v1Model();
        Object read = new SpecificDatumReader<>(OrderPlaced.getClassSchema(), v1Schema, v1Model)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(read.getClass()).isSameAs(v1OrderPlaced);
        assertThat(call(read, "getCustomerId")).isEqualTo("c-7");
        assertThat(call(read, "getOrderId")).isEqualTo(written.getOrderId());
        assertThat(call(read, "getOccurredAt")).isEqualTo(written.getOccurredAt());
        Object address = call(read, "getDeliveryAddress");
        assertThat(call(address, "getStreet")).isEqualTo("1 Main St");
    }

    @Test
    void the_current_classes_read_data_written_by_v1_code_with_the_new_field_defaulted() throws Exception {
        Class<?> v1Address = v1.loadClass("dev.outbox.events.common.DeliveryAddress");
        Class<?> v1Line = v1.loadClass("dev.outbox.events.common.OrderLine");
        Object address = v1Address.getConstructor(String.class, String.class, String.class, String.class, String.class)
                .newInstance("Ada", "1 Main St", "London", "N1", "GB");
        Object line = v1Line.getConstructor(String.class, Integer.class).newInstance("BOOK-1", 2);
        UUID orderId = UUID.randomUUID();
        Object v1Event = v1OrderPlaced.getConstructor(UUID.class, UUID.class, Long.class, Instant.class, String.class,
                List.class, v1Address).newInstance(UUID.randomUUID(), orderId, 1L, Instant.parse("2026-11-25T10:00:00Z"),
                "c-1", List.of(line), address);
        Schema v1Schema = (Schema) v1OrderPlaced.getField("SCHEMA$").get(null);
        SpecificData v1Model = v1Model();
        byte[] bytes = write(v1Schema, (SpecificRecord) v1Event, v1Model);

        OrderPlaced read = new SpecificDatumReader<OrderPlaced>(v1Schema, OrderPlaced.getClassSchema(),
                SpecificData.getForClass(OrderPlaced.class)).read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(read.getOrderId()).isEqualTo(orderId);
        assertThat(read.getDeliveryAddress().getStreet()).isEqualTo("1 Main St");
        assertThat(read.getDeliveryAddress().getInstructions()).isNull();
        assertThat(read.getLines()).extracting(OrderLine::getSku).containsExactly("BOOK-1");
    }

    /** A model that finds classes in the v1 loader, with the conversions the generated classes use. */
    private static SpecificData v1Model() {
        SpecificData model = new SpecificData(v1);
        model.addLogicalTypeConversion(new org.apache.avro.Conversions.UUIDConversion());
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        return model;
    }

    private static byte[] write(Schema schema, SpecificRecord record, SpecificData model) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(schema, model).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Object call(Object target, String getter) throws Exception {
        return target.getClass().getMethod(getter).invoke(target);
    }
}
