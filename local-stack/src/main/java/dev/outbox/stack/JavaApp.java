package dev.outbox.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One of the project's Spring Boot services, run from the executable jar its module builds. */
public final class JavaApp {

    private JavaApp() {
    }

    /**
     * Starts {@code module/target/module.jar} with configuration passed as environment variables (Spring's relaxed
     * binding), and waits until its actuator health is UP.
     */
    public static Supervised start(StackSettings s, String name, String module, int port, Map<String, String> env,
                                   List<String> jvmOptions, Supervised.Listener listener) throws IOException {
        return start(s.home(), s, name, module, port, env, jvmOptions, listener);
    }

    /** {@link #start(StackSettings, String, String, int, Map, List, Supervised.Listener)} with the jar built in {@code home}. */
    public static Supervised start(Path home, StackSettings s, String name, String module, int port,
                                   Map<String, String> env, List<String> jvmOptions, Supervised.Listener listener)
            throws IOException {
        Path jar = home.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new StackException(name + ": " + jar + " is missing; build first: ./mvnw -DskipTests install");
        }
        Path workDir = s.stateDir().resolve(name);
        Files.createDirectories(workDir);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("SERVER_ADDRESS", s.host());
        all.put("SERVER_PORT", Integer.toString(port));
        all.putAll(LogLimits.fromEnvironment().springBoot(Supervised.logOf(s, name)));
        all.putAll(env);
        // Serial GC: on two cores, with heaps this small, it costs the least CPU (no concurrent GC threads, no G1
        // write barriers), and its young pauses stay at a few milliseconds
        List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC",
                "-Djava.awt.headless=true"));
        jvm.addAll(jvmOptions);
        Supervised app = Supervised.start(name, Supervised.java(jvm, null, "-jar", jar.toString()), all, workDir, s, listener);
        String health = "http://" + s.host() + ":" + port + "/actuator/health";
        // two budgets, one per phase, so a slow start does not eat the warm-up's time: first the JVM and Spring up
        // (the server answers, whatever it says), then UP (order-api warm, for at most its warm-up limit; a delivery
        // instance's stores restored after a crash). Generous both: two cores may be busy with the stack under load
        app.awaitReady(Duration.ofSeconds(180), () -> Http.send("GET", health, null).status() > 0);
        app.awaitReady(Duration.ofSeconds(180), () -> {
            Http.Response r = Http.send("GET", health, null);
            return r.status() == 200 && r.body().contains("\"UP\"");
        });
        return app;
    }
}
