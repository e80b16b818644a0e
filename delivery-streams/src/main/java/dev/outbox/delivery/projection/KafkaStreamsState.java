package dev.outbox.delivery.projection;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Follows the Kafka Streams client's state (it allows only one state listener; Spring Kafka installs this one). */
public class KafkaStreamsState implements KafkaStreams.StateListener {

    private static final Logger log = LoggerFactory.getLogger(KafkaStreamsState.class);

    private volatile State state;
    private volatile boolean hasBeenRunning;

    @Override
    public void onChange(State newState, State oldState) {
        state = newState;
        if (newState == State.RUNNING) {
            hasBeenRunning = true;
        }
        log.info("Kafka Streams state {} -> {}", oldState, newState);
    }

    /** Null before the client was started. */
    public State state() {
        return state;
    }

    /** Whether the client reached RUNNING at least once since start-up. */
    public boolean hasBeenRunning() {
        return hasBeenRunning;
    }
}
