package dev.outbox.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What one load step saw, filled from the sender's, the watcher's and the probes' threads. */
final class StepStats {

    final String name;
    final double targetRate;
    final AtomicLong sent = new AtomicLong();
    final LongAdder accepted = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder noAnswer = new LongAdder();
    /** Other answers by HTTP status: anything but 201 and 503 is an error. */
    final Map<Integer, LongAdder> otherStatus = new ConcurrentHashMap<>();
    /** POST latency from the request's due time to its answer, of every answer. */
    final Latency postLatency = new Latency();
    final Latency acceptedLatency = new Latency();
    final Latency refusalLatency = new Latency();
    /** 201 → first record on delivery.status. */
    final Latency statusLatency = new Latency();
    /** 201 → GET /deliveries/{id} answers 200 (sampled). */
    final Latency viewLatency = new Latency();
    final AtomicLong viewProbesStarted = new AtomicLong();
    final AtomicLong viewNeverSeen = new AtomicLong();
    final List<Long> lagSamples = new ArrayList<>();
    volatile long undelivered;
    /** How late the load generator sent each request after its due time: it kept up if this stays small. */
    final Latency senderLateness = new Latency();

    StepStats(String name, double targetRate) {
        this.name = name;
        this.targetRate = targetRate;
    }

    long errors() {
        return noAnswer.sum() + otherStatus.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long serverErrorsOtherThan503() {
        return otherStatus.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(e -> e.getValue().sum()).sum();
    }
}
