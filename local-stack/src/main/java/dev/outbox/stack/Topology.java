package dev.outbox.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How a running stack was started (Kafka brokers, app instances), kept in its state directory: a later
 * {@code ./stack restart} or {@code status} works on that stack, not on what its own settings would start.
 */
final class Topology {

    private Topology() {
    }

    static Path file(StackSettings s) {
        return s.stateDir().resolve("topology.properties");
    }

    static void save(StackSettings s) {
        Properties p = new Properties();
        p.setProperty("kafka.brokers", Integer.toString(s.kafkaBrokers()));
        p.setProperty("instances", Integer.toString(s.instances()));
        try {
            Files.createDirectories(s.stateDir());
            try (Writer out = Files.newBufferedWriter(file(s))) {
                p.store(out, "how this stack was started (./stack start); read by restart and status");
            }
        } catch (IOException e) {
            throw new StackException("cannot write " + file(s) + ": " + e.getMessage());
        }
    }

    /** {@code s} with the brokers and instances of the stack that runs in its state directory, when it says. */
    static StackSettings of(StackSettings s) {
        Path file = file(s);
        if (!Files.exists(file)) {
            return s;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            return s;
        }
        return s.withKafkaBrokers(Integer.parseInt(p.getProperty("kafka.brokers", Integer.toString(s.kafkaBrokers()))))
                .withInstances(Integer.parseInt(p.getProperty("instances", Integer.toString(s.instances()))));
    }
}
