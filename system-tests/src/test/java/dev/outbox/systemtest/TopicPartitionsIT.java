package dev.outbox.systemtest;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackException;
import dev.outbox.stack.Supervised;
import dev.outbox.stack.junit.LocalStackExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * delivery-streams and the partition counts of its topics, on the real broker: a topic it reads with another count
 * than {@code delivery.topics.partitions} refuses start-up and changes no topic (Spring's KafkaAdmin used to add
 * partitions to one with fewer); missing topics are created with that count, and a topic it only writes keeps its
 * own. Each instance here has its own application id and topic names, so the stack's instance (which the other test
 * classes use) sees none of it.
 */
@ExtendWith(LocalStackExtension.class)
class TopicPartitionsIT {

    private static final int EXPECTED = 3;

    private static Admin admin;

    @BeforeAll
    static void admin(Stack stack) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.settings().kafkaBootstrap()));
    }

    @AfterAll
    static void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /** 2: the count the old KafkaAdmin grew to 3; 4: more than expected, which it only logged. */
    @ParameterizedTest(name = "order.events with {0} partitions, " + EXPECTED + " expected")
    @ValueSource(ints = {2, 4})
    void orderEventsWithAnotherCountRefusesStartUpAndChangesNoTopic(int partitions, Stack stack) throws Exception {
        Topics topics = Topics.unique();
        create(topics.orderEvents(), partitions);

        assertThatThrownBy(() -> stack.startExtraDeliveryInstance(topics.instance(), LocalStackExtension.freePort(),
                topics.environment(EXPECTED)))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("exited with code");

        String log = Files.readString(stack.settings().logs().resolve(topics.instance() + ".log"));
        assertThat(log).contains("Refusing to start: " + topics.orderEvents() + " has " + partitions
                        + " partitions, " + EXPECTED + " expected (delivery.topics.partitions)")
                .contains("Set delivery.topics.partitions=" + partitions + " to match")
                .contains("README 'Scaling partitions'");
        assertThat(partitions(topics.orderEvents())).as("order.events, unchanged").isEqualTo(partitions);
        // refused before anything was created: not the commands topic (with any count), not the outputs, and no
        // Streams changelog (Streams never started)
        assertThat(topicsOf(topics)).containsExactly(topics.orderEvents());
    }

    @Test
    void missingTopicsAreCreatedWithTheCountExpectedAndAWrittenTopicKeepsItsOwn(Stack stack) throws Exception {
        Topics topics = Topics.unique();
        create(topics.orderEvents(), EXPECTED);
        create(topics.status(), 1);

        Supervised instance = stack.startExtraDeliveryInstance(topics.instance(), LocalStackExtension.freePort(),
                topics.environment(EXPECTED));
        try {
            // ready means Kafka Streams runs (its health is part of the status)
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String topic : topics.all()) {
                counts.put(topic, partitions(topic));
            }
            assertThat(counts).containsExactly(
                    Map.entry(topics.orderEvents(), EXPECTED), Map.entry(topics.commands(), EXPECTED),
                    Map.entry(topics.commandResults(), EXPECTED), Map.entry(topics.deliveryEvents(), EXPECTED),
                    Map.entry(topics.status(), 1), Map.entry(topics.deadLetters(), EXPECTED));
            assertThat(instance.logged(topics.status() + " has 1 partitions, " + EXPECTED + " expected")).isTrue();
        } finally {
            instance.stop(Duration.ofSeconds(30));
        }
    }

    private static void create(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
    }

    private static int partitions(String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic);
        return description.partitions().size();
    }

    /** The topics on the broker that belong to this instance: its own and its application id's. */
    private static Set<String> topicsOf(Topics topics) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(name -> name.startsWith(topics.prefix()))
                .collect(Collectors.toSet());
    }

    /** One instance's application id and topic names, all starting with the same unique prefix. */
    private record Topics(String prefix) {

        static Topics unique() {
            return new Topics("topic-check-" + UUID.randomUUID().toString().substring(0, 8));
        }

        String instance() {
            return prefix;
        }

        String orderEvents() {
            return prefix + ".order.events";
        }

        String commands() {
            return prefix + ".delivery.commands";
        }

        String commandResults() {
            return prefix + ".delivery.command-results";
        }

        String deliveryEvents() {
            return prefix + ".delivery.events";
        }

        String status() {
            return prefix + ".delivery.status";
        }

        String deadLetters() {
            return prefix + ".delivery.dlq";
        }

        List<String> all() {
            return List.of(orderEvents(), commands(), commandResults(), deliveryEvents(), status(), deadLetters());
        }

        /** The instance's settings (environment variables in Boot's canonical form: no dashes). */
        Map<String, String> environment(int partitions) {
            return Map.of(
                    "SPRING_KAFKA_STREAMS_APPLICATIONID", prefix,
                    "DELIVERY_TOPICS_ORDEREVENTS", orderEvents(),
                    "DELIVERY_TOPICS_COMMANDS", commands(),
                    "DELIVERY_TOPICS_COMMANDRESULTS", commandResults(),
                    "DELIVERY_TOPICS_DELIVERYEVENTS", deliveryEvents(),
                    "DELIVERY_TOPICS_STATUS", status(),
                    "DELIVERY_TOPICS_DEADLETTERS", deadLetters(),
                    "DELIVERY_TOPICS_PARTITIONS", Integer.toString(partitions));
        }
    }
}
