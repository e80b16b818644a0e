package dev.outbox.delivery.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The partition-count rules against an Admin mock: a topic read with another count refuses start-up before anything
 * is created, a topic written with another count is left alone, missing topics are created with the count expected,
 * and no partition is ever added. (TopicPartitionsIT in system-tests runs the refusal on a real broker.)
 */
class TopicPartitionCheckTest {

    private static final DeliveryTopics TOPICS = DeliveryTopics.defaults();
    private static final int EXPECTED = 3;

    private final Admin admin = mock(Admin.class);
    private final TopicPartitionCheck check = new TopicPartitionCheck(Map.of(), Duration.ofSeconds(5), TOPICS,
            EXPECTED, (short) 1);

    @Test
    void allTopicsWithTheCountExpectedChangeNothing() {
        describing(counts(3, 3, 3, 3, 3, 3));

        check.check(admin);

        verify(admin, never()).createTopics(anyCollection());
        verify(admin, never()).createPartitions(any());
    }

    @Test
    void orderEventsWithAnotherCountRefusesStartUpAndCreatesNothing() {
        Map<String, Integer> found = new HashMap<>();
        found.put(TOPICS.orderEvents(), 4); // delivery.commands and the outputs missing
        describing(found);

        assertThatThrownBy(() -> check.check(admin))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("order.events has 4 partitions, 3 expected (delivery.topics.partitions)")
                .hasMessageContaining("Set delivery.topics.partitions=4 to match")
                .hasMessageContaining("README 'Scaling partitions'")
                .message().doesNotContain("delivery.commands has");
        verify(admin, never()).createTopics(anyCollection());
        verify(admin, never()).createPartitions(any());
    }

    @Test
    void orderEventsWithFewerPartitionsThanExpectedIsNotGrown() {
        describing(counts(2, 2, 2, 2, 2, 2));

        assertThatThrownBy(() -> check.check(admin))
                .hasMessageContaining("order.events has 2 partitions, 3 expected")
                .hasMessageContaining("delivery.commands has 2 partitions, 3 expected")
                .hasMessageContaining("Set delivery.topics.partitions=2 to match");
        verify(admin, never()).createPartitions(any());
    }

    @Test
    void commandsWithAnotherCountThanTheOrderEventsRefusesStartUp() {
        describing(counts(3, 4, 3, 3, 3, 3));

        assertThatThrownBy(() -> check.check(admin))
                .hasMessageContaining("delivery.commands has 4 partitions, 3 expected")
                .hasMessageContaining("delivery.commands must have as many partitions as order.events (3)")
                .message().doesNotContain("order.events has");
    }

    @Test
    void anOutputWithAnotherCountIsOnlyAWarning() {
        describing(counts(3, 3, 1, 5, 3, 3));

        check.check(admin);

        verify(admin, never()).createTopics(anyCollection());
        verify(admin, never()).createPartitions(any());
        assertThat(TopicPartitionCheck.Verdict.of(TOPICS, EXPECTED, counts(3, 3, 1, 5, 3, 3)).warnings())
                .containsExactly("delivery.events has 1 partitions, 3 expected (delivery.topics.partitions)",
                        "delivery.status has 5 partitions, 3 expected (delivery.topics.partitions)");
    }

    @Test
    void missingTopicsAreCreatedWithTheCountExpected() {
        Map<String, Integer> found = new HashMap<>();
        found.put(TOPICS.status(), 3);
        describing(found);
        creating(Map.of());

        check.check(admin);

        assertThat(created()).containsOnly(
                Map.entry(TOPICS.orderEvents(), 3), Map.entry(TOPICS.commands(), 3),
                Map.entry(TOPICS.deliveryEvents(), 3), Map.entry(TOPICS.commandResults(), 3),
                Map.entry(TOPICS.deadLetters(), 3));
    }

    @Test
    void aTopicCreatedMeanwhileWithAnotherCountRefusesStartUp() {
        Map<String, Integer> before = counts(3, 3, 3, 3, 3, 3);
        before.remove(TOPICS.orderEvents());
        // Connect creates order.events with 4 partitions between the check's describe and its create
        describing(before, counts(4, 3, 3, 3, 3, 3));
        creating(Map.of(TOPICS.orderEvents(), new TopicExistsException("exists")));

        assertThatThrownBy(() -> check.check(admin))
                .hasMessageContaining("order.events has 4 partitions, 3 expected");
        verify(admin, never()).createPartitions(any());
    }

    /** The counts of order.events, commands, delivery events, status, command results, dead letters. */
    private static Map<String, Integer> counts(int orderEvents, int commands, int deliveryEvents, int status,
                                               int results, int deadLetters) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put(TOPICS.orderEvents(), orderEvents);
        counts.put(TOPICS.commands(), commands);
        counts.put(TOPICS.deliveryEvents(), deliveryEvents);
        counts.put(TOPICS.status(), status);
        counts.put(TOPICS.commandResults(), results);
        counts.put(TOPICS.deadLetters(), deadLetters);
        return counts;
    }

    /** Each describe answers with the next of {@code answers} (the last one again after that). */
    @SafeVarargs
    private void describing(Map<String, Integer>... answers) {
        DescribeTopicsResult[] results = new DescribeTopicsResult[answers.length];
        for (int i = 0; i < answers.length; i++) {
            Map<String, Integer> found = answers[i];
            Map<String, KafkaFuture<TopicDescription>> values = new HashMap<>();
            for (String topic : TopicPartitionCheck.all(TOPICS)) {
                values.put(topic, found.containsKey(topic)
                        ? KafkaFuture.completedFuture(description(topic, found.get(topic)))
                        : failed(new UnknownTopicOrPartitionException(topic)));
            }
            results[i] = mock(DescribeTopicsResult.class);
            when(results[i].topicNameValues()).thenReturn(values);
        }
        var stubbing = when(admin.describeTopics(anyCollection())).thenReturn(results[0]);
        for (int i = 1; i < results.length; i++) {
            stubbing = stubbing.thenReturn(results[i]);
        }
    }

    /** Creating succeeds, but for the topics given with the exception it fails with. */
    private void creating(Map<String, RuntimeException> failures) {
        when(admin.createTopics(anyCollection())).thenAnswer(call -> {
            Collection<NewTopic> topics = call.getArgument(0);
            Map<String, KafkaFuture<Void>> values = topics.stream().collect(Collectors.toMap(NewTopic::name,
                    t -> failures.containsKey(t.name()) ? failed(failures.get(t.name()))
                            : KafkaFuture.<Void>completedFuture(null)));
            CreateTopicsResult result = mock(CreateTopicsResult.class);
            when(result.values()).thenReturn(values);
            return result;
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Integer> created() {
        ArgumentCaptor<Collection<NewTopic>> captor = ArgumentCaptor.forClass(Collection.class);
        verify(admin).createTopics(captor.capture());
        return captor.getValue().stream().collect(Collectors.toMap(NewTopic::name, NewTopic::numPartitions));
    }

    private static TopicDescription description(String topic, int partitions) {
        Node node = new Node(1, "localhost", 9092);
        List<TopicPartitionInfo> infos = java.util.stream.IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartitionInfo(p, node, List.of(node), List.of(node))).toList();
        return new TopicDescription(topic, false, infos);
    }

    private static <T> KafkaFuture<T> failed(Throwable cause) {
        KafkaFutureImpl<T> future = new KafkaFutureImpl<>();
        future.completeExceptionally(cause);
        return future;
    }
}
