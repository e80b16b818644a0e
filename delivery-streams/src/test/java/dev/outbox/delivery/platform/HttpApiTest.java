package dev.outbox.delivery.platform;

import static dev.outbox.delivery.testing.Fixtures.T0;
import static dev.outbox.delivery.testing.Fixtures.placed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.outbox.delivery.command.CommandGateway;
import dev.outbox.delivery.command.DeliveryCommandController;
import dev.outbox.delivery.rules.Delivery;
import dev.outbox.delivery.rules.OrderEvent;
import dev.outbox.delivery.query.Lookup;
import dev.outbox.delivery.query.DeliveryJson;
import dev.outbox.delivery.query.DeliveryListing;
import dev.outbox.delivery.query.DeliveryQueries;
import dev.outbox.delivery.query.DeliveryQueryController;
import dev.outbox.delivery.feed.StatusChanges;
import dev.outbox.events.delivery.AssignCourier;
import dev.outbox.events.delivery.CommandOutcome;
import dev.outbox.events.delivery.DeliveryCommand;
import dev.outbox.events.delivery.DeliveryCommandResult;
import dev.outbox.events.delivery.DeliveryStatus;
import dev.outbox.events.delivery.DeliveryStatusChanged;
import dev.outbox.events.delivery.DeliveryView;
import dev.outbox.events.delivery.ReportFailedAttempt;
import dev.outbox.events.delivery.StatusTransition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The HTTP API in-process: routing, validation, the mapping of outcomes and errors to statuses and problems. */
@WebFluxTest(controllers = {DeliveryQueryController.class, DeliveryCommandController.class})
// the 5 s default is too short on a loaded 2-core machine (the first requests also warm up the codecs)
@AutoConfigureWebTestClient(timeout = "30s")
@Import({HttpApiTest.Beans.class, StrictJson.class})
class HttpApiTest {

    @TestConfiguration
    @EnableConfigurationProperties(DeliveryProperties.class)
    static class Beans {
        @Bean
        Instance instance() {
            return Instance.parse("127.0.0.1:8082");
        }

        @Bean
        StatusChanges statusChanges() {
            return new StatusChanges();
        }
    }

    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    @Autowired
    WebTestClient http;
    @Autowired
    StatusChanges statusChanges;
    @Autowired
    DeliveryQueryController queryController;
    @MockitoBean
    DeliveryQueries queries;
    @MockitoBean
    DeliveryListing listing;
    @MockitoBean
    CommandGateway gateway;

    private final UUID orderId = UUID.randomUUID();
    private final DeliveryView view = new Delivery(3).apply(null, OrderEvent.of(placed(orderId)), T0).view();

    // ------------------------------------------------------------------------------------------------------ queries

    @Test
    void aDeliveryIsServedAsPlainJsonWithIsoTimesAndWhoServedIt() {
        when(queries.find(orderId.toString())).thenReturn(Mono.just(
                new Lookup.Found<>(DeliveryJson.of(view), "127.0.0.1:8082", "active")));

        http.get().uri("/deliveries/{id}", orderId).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(Headers.SERVED_BY, "127.0.0.1:8082")
                .expectHeader().valueEquals(Headers.SERVED_FROM, "active")
                .expectBody()
                .jsonPath("$.orderId").isEqualTo(orderId.toString())
                .jsonPath("$.status").isEqualTo("AWAITING_COURIER")
                .jsonPath("$.deliveryAddress.street").isEqualTo("12 Baker Street")
                .jsonPath("$.lines[0].sku").isEqualTo("SKU-1")
                .jsonPath("$.placedAt").isEqualTo("2025-03-01T10:00:00Z")
                .jsonPath("$.history[0].to").isEqualTo("AWAITING_COURIER")
                .jsonPath("$.history[0].at").isEqualTo("2025-03-01T10:00:00Z")
                .jsonPath("$.schema").doesNotExist();
    }

    @Test
    void aPageOfTheWholeHistoryIsServedWithTheCursorOfTheNext() {
        DeliveryJson.Delivery delivery = DeliveryJson.of(view);
        when(queries.history(orderId.toString(), 40, 20)).thenReturn(Mono.just(new Lookup.Found<>(
                new DeliveryJson.History(orderId.toString(), 75, 40, delivery.history(), 60L), "127.0.0.1:8082",
                "active")));

        http.get().uri("/deliveries/{id}/history?from=40&limit=20", orderId).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(Headers.SERVED_FROM, "active")
                .expectBody()
                .jsonPath("$.total").isEqualTo(75)
                .jsonPath("$.from").isEqualTo(40)
                .jsonPath("$.next").isEqualTo(60)
                .jsonPath("$.items[0].to").isEqualTo("AWAITING_COURIER");
    }

    @Test
    void aHistoryPageOutOfBoundsIsABadRequest() {
        http.get().uri("/deliveries/{id}/history?from=-1", orderId).exchange().expectStatus().isBadRequest();
        http.get().uri("/deliveries/{id}/history?limit=0", orderId).exchange().expectStatus().isBadRequest();
        http.get().uri("/deliveries/{id}/history?limit=501", orderId).exchange().expectStatus().isBadRequest();
    }

    @Test
    void upperCaseIdsAreNormalised() {
        when(queries.find(orderId.toString())).thenReturn(Mono.just(
                new Lookup.Found<>(DeliveryJson.of(view), "127.0.0.1:8082", "active")));

        http.get().uri("/deliveries/{id}", orderId.toString().toUpperCase()).exchange().expectStatus().isOk();
    }

    @Test
    void aForwardedAnswerIsPassedOnWithTheOwnersIdentity() {
        byte[] body = "{\"orderId\":\"x\"}".getBytes();
        when(queries.find(orderId.toString())).thenReturn(Mono.just(new Lookup.Relayed<>(200,
                MediaType.APPLICATION_JSON, body, "10.0.0.2:8084", "active", null)));

        http.get().uri("/deliveries/{id}", orderId).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(Headers.SERVED_BY, "10.0.0.2:8084")
                .expectHeader().valueEquals(Headers.ROUTED_BY, "127.0.0.1:8082")
                .expectBody(String.class).isEqualTo("{\"orderId\":\"x\"}");
    }

    @Test
    void aForwardedRequestIsAnsweredLocallyAndNeverForwardedAgain() {
        when(queries.findLocal(orderId.toString(), true)).thenReturn(
                new Lookup.Found<>(DeliveryJson.of(view), "127.0.0.1:8082", "standby"));

        http.get().uri("/deliveries/{id}?local=true&stale=true", orderId).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(Headers.SERVED_FROM, "standby");
        verify(queries, never()).find(any());
    }

    @Test
    void anUnknownDeliveryIs404Problem() {
        when(queries.find(orderId.toString()))
                .thenReturn(Mono.error(Problems.deliveryNotFound(orderId.toString(), "127.0.0.1:8082")));

        http.get().uri("/deliveries/{id}", orderId).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(PROBLEM)
                .expectHeader().valueEquals(Headers.SERVED_BY, "127.0.0.1:8082")
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:outbox:delivery:problem:delivery-not-found")
                .jsonPath("$.title").isEqualTo("Delivery not found")
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.instance").isEqualTo("/deliveries/" + orderId)
                .jsonPath("$.orderId").isEqualTo(orderId.toString());
    }

    @Test
    void aStoreThatIsNotQueryableIs503WithRetryAfter() {
        when(queries.find(orderId.toString()))
                .thenReturn(Mono.error(Problems.notQueryable("rebalancing", Duration.ofSeconds(2))));

        http.get().uri("/deliveries/{id}", orderId).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "2")
                .expectHeader().contentType(PROBLEM)
                .expectBody().jsonPath("$.detail").isEqualTo("rebalancing");
    }

    @Test
    void aStoreExceptionEscapingTheQueryIs503Too() {
        when(queries.find(orderId.toString())).thenReturn(Mono.error(
                new org.apache.kafka.streams.errors.InvalidStateStoreException("moving")));

        http.get().uri("/deliveries/{id}", orderId).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectHeader().contentType(PROBLEM);
    }

    @Test
    void anUnexpectedErrorIs500ProblemWithoutAStackTrace() {
        when(queries.find(orderId.toString())).thenReturn(Mono.error(new IllegalStateException("secret detail")));

        http.get().uri("/deliveries/{id}", orderId).exchange()
                .expectStatus().isEqualTo(500)
                .expectHeader().contentType(PROBLEM)
                .expectBody(String.class).value(body -> assertThat(body)
                        .doesNotContain("secret detail").doesNotContain("at dev.outbox").doesNotContain("trace"));
    }

    @Test
    void aBadOrderIdIs400Problem() {
        http.get().uri("/deliveries/not-a-uuid").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(PROBLEM)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("UUID"));
    }

    @Test
    void anUnknownRouteIs404Problem() {
        http.get().uri("/nothing-here").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(PROBLEM);
    }

    @Test
    void listingValidatesItsParametersAndPassesThemOn() {
        http.get().uri("/deliveries?limit=0").exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(PROBLEM);
        http.get().uri("/deliveries?limit=501").exchange().expectStatus().isBadRequest();
        http.get().uri("/deliveries?status=LOST").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("IN_TRANSIT"));
        http.get().uri("/deliveries?after=nope").exchange().expectStatus().isBadRequest();

        when(listing.list(DeliveryStatus.IN_TRANSIT, orderId.toString(), 10)).thenReturn(Mono.just(
                new DeliveryJson.Page(List.of(DeliveryJson.of(view)), orderId.toString())));
        http.get().uri("/deliveries?status=in_transit&limit=10&after={a}", orderId).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[0].orderId").isEqualTo(orderId.toString())
                .jsonPath("$.next").isEqualTo(orderId.toString());
    }

    @Test
    void aLocalListingIsAnsweredFromThisInstance() {
        when(listing.listLocal(null, null, 50)).thenReturn(new DeliveryJson.Page(List.of(), null));

        http.get().uri("/deliveries?local=true").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items").isEmpty();
        verify(listing, never()).list(any(), any(), anyInt());
    }

    // ----------------------------------------------------------------------------------------------------- commands

    @Test
    void anAcceptedCommandIs202WithTheNewStatus() {
        when(gateway.send(any())).thenAnswer(call -> Mono.just(result(call.getArgument(0), CommandOutcome.ACCEPTED,
                DeliveryStatus.COURIER_ASSIGNED, null)));

        http.post().uri("/deliveries/{id}/courier", orderId).contentType(MediaType.APPLICATION_JSON)
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .bodyValue("{\"courierId\":\"c-1\"}").exchange()
                .expectStatus().isAccepted()
                .expectHeader().valueEquals("Location", "/deliveries/" + orderId)
                .expectBody()
                .jsonPath("$.outcome").isEqualTo("ACCEPTED")
                .jsonPath("$.status").isEqualTo("COURIER_ASSIGNED")
                .jsonPath("$.orderId").isEqualTo(orderId.toString());

        ArgumentCaptor<DeliveryCommand> sent = ArgumentCaptor.forClass(DeliveryCommand.class);
        verify(gateway).send(sent.capture());
        assertThat(sent.getValue().getOrderId()).isEqualTo(orderId);
        assertThat(((AssignCourier) sent.getValue().getCommand()).getCourierId()).isEqualTo("c-1");
        assertThat(sent.getValue().getTraceparent())
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void aCommandWithoutTraceContextGetsANewTrace() {
        when(gateway.send(any())).thenAnswer(call -> Mono.just(result(call.getArgument(0), CommandOutcome.ACCEPTED,
                DeliveryStatus.IN_TRANSIT, null)));

        http.post().uri("/deliveries/{id}/pickup", orderId).exchange().expectStatus().isAccepted();

        ArgumentCaptor<DeliveryCommand> sent = ArgumentCaptor.forClass(DeliveryCommand.class);
        verify(gateway).send(sent.capture());
        assertThat(sent.getValue().getTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void aRejectedCommandIs409ProblemWithTheReason() {
        when(gateway.send(any())).thenAnswer(call -> Mono.just(result(call.getArgument(0), CommandOutcome.REJECTED,
                DeliveryStatus.AWAITING_COURIER, "ConfirmPickup is allowed only when ...")));

        http.post().uri("/deliveries/{id}/pickup", orderId).exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(PROBLEM)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:outbox:delivery:problem:command-rejected")
                .jsonPath("$.detail").isEqualTo("ConfirmPickup is allowed only when ...")
                .jsonPath("$.status").isEqualTo(409)
                .jsonPath("$.commandId").exists()
                .jsonPath("$.deliveryStatus").isEqualTo("AWAITING_COURIER");
    }

    @Test
    void aCommandForAnUnknownOrderIs404Problem() {
        when(gateway.send(any())).thenAnswer(call -> Mono.just(result(call.getArgument(0),
                CommandOutcome.UNKNOWN_ORDER, null, "no delivery")));

        http.post().uri("/deliveries/{id}/delivery", orderId).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(PROBLEM)
                .expectBody().jsonPath("$.type").isEqualTo("urn:outbox:delivery:problem:unknown-order");
    }

    @Test
    void noResultInTimeIs504Problem() {
        when(gateway.send(any())).thenReturn(Mono.error(
                Problems.commandTimeout(orderId.toString(), "c", Duration.ofSeconds(5))));

        http.post().uri("/deliveries/{id}/failed-attempts", orderId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"reason\":\"nobody home\"}").exchange()
                .expectStatus().isEqualTo(504)
                .expectHeader().contentType(PROBLEM);
        ArgumentCaptor<DeliveryCommand> sent = ArgumentCaptor.forClass(DeliveryCommand.class);
        verify(gateway).send(sent.capture());
        assertThat(((ReportFailedAttempt) sent.getValue().getCommand()).getReason()).isEqualTo("nobody home");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeySendsTheSameCommandId() {
        when(gateway.send(any())).thenAnswer(call -> Mono.just(result(call.getArgument(0), CommandOutcome.ACCEPTED,
                DeliveryStatus.IN_TRANSIT, null)));
        UUID otherOrder = UUID.randomUUID();

        failedAttempt(orderId, "key-1").expectStatus().isAccepted();
        failedAttempt(orderId, "key-1").expectStatus().isAccepted();  // the retry
        failedAttempt(orderId, "key-2").expectStatus().isAccepted();  // another request
        failedAttempt(otherOrder, "key-1").expectStatus().isAccepted(); // the same key on another order
        failedAttempt(orderId, null).expectStatus().isAccepted();
        failedAttempt(orderId, null).expectStatus().isAccepted();

        ArgumentCaptor<DeliveryCommand> sent = ArgumentCaptor.forClass(DeliveryCommand.class);
        verify(gateway, org.mockito.Mockito.times(6)).send(sent.capture());
        List<UUID> ids = sent.getAllValues().stream().map(DeliveryCommand::getCommandId).toList();
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
        assertThat(ids.subList(2, 6)).doesNotContain(ids.get(0)).doesNotHaveDuplicates();
    }

    @Test
    void anIdempotencyKeyThatIsNotPrintableAsciiOrTooLongIs400ProblemAndNothingIsSent() {
        http.post().uri("/deliveries/{id}/pickup", orderId).header("Idempotency-Key", "").exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("Idempotency-Key"));
        http.post().uri("/deliveries/{id}/pickup", orderId).header("Idempotency-Key", "x".repeat(256)).exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM);
        http.post().uri("/deliveries/{id}/pickup", orderId).header("Idempotency-Key", "caf\u00e9").exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM);
        verify(gateway, never()).send(any());
    }

    private WebTestClient.ResponseSpec failedAttempt(UUID order, String idempotencyKey) {
        WebTestClient.RequestBodySpec request = http.post().uri("/deliveries/{id}/failed-attempts", order)
                .contentType(MediaType.APPLICATION_JSON);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.bodyValue("{\"reason\":\"nobody home\"}").exchange();
    }

    @Test
    void commandFieldsMustBeJsonStringsNotNumbersBooleansOrArrays() {
        acceptEveryCommand();
        for (String body : List.of("{\"courierId\": 7}", "{\"courierId\": true}", "{\"courierId\": 1.5}",
                "{\"courierId\": [\"c-1\"]}", "{\"courierId\": {\"id\": \"c-1\"}}")) {
            command("courier", body).expectStatus().isBadRequest().expectHeader().contentType(PROBLEM)
                    .expectBody()
                    .jsonPath("$.errors[0].field").isEqualTo("courierId")
                    .jsonPath("$.detail").value(d -> assertThat((String) d).contains("courierId"));
        }
        command("failed-attempts", "{\"reason\": 42}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("reason");
        command("delivery", "{\"receivedBy\": false}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("receivedBy");
        verify(gateway, never()).send(any());
    }

    @Test
    void commandTextWithControlCharactersOrUnpairedSurrogatesIs400NamingTheField() {
        acceptEveryCommand();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{\"courierId\": \"c-1\\u0000\"}", "courierId");
        bodies.put("{\"courierId\": \"c-\\ud800\"}", "courierId");         // a high surrogate alone
        bodies.put("{\"courierId\": \"c-\\udc00-1\"}", "courierId");       // a low surrogate alone
        bodies.put("{\"reason\": \"nobody\\r\\nhome\"}", "reason");
        bodies.put("{\"receivedBy\": \"Ada\\u0007\"}", "receivedBy");
        bodies.put("{\"receivedBy\": \"\\t\"}", "receivedBy");
        bodies.forEach((body, field) -> command(endpointOf(field), body)
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo(field)
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("control characters")));
        verify(gateway, never()).send(any());
    }

    @Test
    void commandTextWithinItsLimitsIsSentAsWrittenAndSupplementaryCharactersAreFine() {
        acceptEveryCommand();
        command("courier", "{\"courierId\": \"" + "c".repeat(64) + "\"}").expectStatus().isAccepted();
        command("failed-attempts", "{\"reason\": \"dog \\ud83d\\udc15 at the door\"}").expectStatus().isAccepted();

        ArgumentCaptor<DeliveryCommand> sent = ArgumentCaptor.forClass(DeliveryCommand.class);
        verify(gateway, org.mockito.Mockito.times(2)).send(sent.capture());
        assertThat(((ReportFailedAttempt) sent.getAllValues().get(1).getCommand()).getReason())
                .isEqualTo("dog \ud83d\udc15 at the door");
    }

    @Test
    void commandTextLongerThanItsLimitIs400NamingTheField() {
        acceptEveryCommand();
        command("courier", "{\"courierId\": \"" + "c".repeat(65) + "\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("courierId")
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("64"));
        command("failed-attempts", "{\"reason\": \"" + "r".repeat(201) + "\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("reason");
        command("delivery", "{\"receivedBy\": \"" + "a".repeat(201) + "\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("receivedBy");
        verify(gateway, never()).send(any());
    }

    private void acceptEveryCommand() {
        when(gateway.send(any())).thenAnswer(call -> Mono.just(result(call.getArgument(0), CommandOutcome.ACCEPTED,
                DeliveryStatus.COURIER_ASSIGNED, null)));
    }

    private WebTestClient.ResponseSpec command(String endpoint, String json) {
        return http.post().uri("/deliveries/{id}/" + endpoint, orderId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange();
    }

    private static String endpointOf(String field) {
        return switch (field) {
            case "courierId" -> "courier";
            case "reason" -> "failed-attempts";
            default -> "delivery";
        };
    }

    @Test
    void aBodyThatFailsValidationIsTheSameProblemAsBeforeBeanValidation() {
        command("courier", "{\"courierId\": \" \"}").expectStatus().isBadRequest().expectHeader().contentType(PROBLEM)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:outbox:delivery:problem:invalid-request")
                .jsonPath("$.title").isEqualTo("Invalid request")
                .jsonPath("$.detail").isEqualTo("Invalid request: courierId is required and must not be blank.")
                .jsonPath("$.errors[0].field").isEqualTo("courierId")
                .jsonPath("$.errors[0].message").isEqualTo("is required and must not be blank");
        command("failed-attempts", "{\"reason\": \"" + "r".repeat(201) + "\"}").expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.detail").isEqualTo("Invalid request: reason must be at most 200 characters.")
                .jsonPath("$.errors[0].message").isEqualTo("must be at most 200 characters");
        verify(gateway, never()).send(any());
    }

    @Test
    void invalidCommandsAre400ProblemsAndAreNotSent() {
        http.post().uri("/deliveries/{id}/courier", orderId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"courierId\":\"  \"}").exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("courierId"));
        http.post().uri("/deliveries/{id}/courier", orderId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{not json").exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM);
        http.post().uri("/deliveries/{id}/courier", orderId).contentType(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM);
        http.post().uri("/deliveries/{id}/failed-attempts", orderId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}").exchange().expectStatus().isBadRequest();
        http.post().uri("/deliveries/nope/pickup").exchange()
                .expectStatus().isBadRequest().expectHeader().contentType(PROBLEM);
        verify(gateway, never()).send(any());
    }

    // ---------------------------------------------------------------------------------------------------------- SSE

    @Test
    void theEventStreamStartsWithTheCurrentStatusThenFollowsNewChangesOnly() {
        DeliveryJson.Delivery current = DeliveryJson.of(view);
        when(queries.current(orderId.toString())).thenReturn(Mono.just(Optional.of(current)));
        StatusTransition alreadyKnown = view.getHistory().get(0);
        StatusTransition next = StatusTransition.newBuilder().setFrom(DeliveryStatus.AWAITING_COURIER)
                .setTo(DeliveryStatus.COURIER_ASSIGNED).setCause("CourierAssigned").setEventId(UUID.randomUUID())
                .setAt(T0.plusSeconds(5)).setNote("courier c-1").build();

        Flux<ServerSentEvent<String>> events = http.get().uri("/deliveries/{id}/events", orderId)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody();

        StepVerifier.create(events)
                .assertNext(first -> {
                    assertThat(first.event()).isEqualTo("status");
                    assertThat(first.data()).contains("\"status\":\"AWAITING_COURIER\"");
                })
                .then(() -> {
                    statusChanges.publish(new DeliveryStatusChanged(orderId, alreadyKnown)); // already in "status"
                    statusChanges.publish(new DeliveryStatusChanged(UUID.randomUUID(), next)); // another order
                    statusChanges.publish(new DeliveryStatusChanged(orderId, next));
                })
                .assertNext(change -> {
                    assertThat(change.event()).isEqualTo("status-changed");
                    assertThat(change.id()).isEqualTo(next.getEventId().toString());
                    assertThat(change.data()).contains("\"to\":\"COURIER_ASSIGNED\"").contains(orderId.toString());
                })
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aClientThatDoesNotKeepUpWithTheEventStreamIsDisconnectedInsteadOfBufferedForWithoutBound() {
        when(queries.current(orderId.toString())).thenReturn(Mono.just(Optional.of(DeliveryJson.of(view))));
        int published = 5_000;
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();

        // asks for the first event only, then stalls while thousands of changes come in
        StepVerifier.create(queryController.events(orderId.toString()), 1)
                .assertNext(first -> assertThat(first.event()).isEqualTo("status"))
                .then(() -> {
                    for (int i = 0; i < published; i++) {
                        statusChanges.publish(new DeliveryStatusChanged(orderId, StatusTransition.newBuilder()
                                .setFrom(DeliveryStatus.AWAITING_COURIER).setTo(DeliveryStatus.AWAITING_COURIER)
                                .setCause("DeliveryAddressChanged").setEventId(UUID.randomUUID())
                                .setAt(T0.plusSeconds(i)).setNote("change " + i).build()));
                    }
                })
                .thenRequest(Long.MAX_VALUE)
                .thenConsumeWhile(event -> "status-changed".equals(event.event()), event -> received.incrementAndGet())
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertThat(received.get()).isLessThan(published / 4);
    }

    @Test
    void theEventStreamOfAnUnknownDeliveryIs404Problem() {
        when(queries.current(orderId.toString())).thenReturn(Mono.just(Optional.empty()));

        http.get().uri("/deliveries/{id}/events", orderId).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(PROBLEM)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:outbox:delivery:problem:delivery-not-found")
                .jsonPath("$.orderId").isEqualTo(orderId.toString());
    }

    @Test
    void theEventStreamOfADeliveryThatCannotBeReadNowIs503Problem() {
        when(queries.current(orderId.toString()))
                .thenReturn(Mono.error(Problems.notQueryable("rebalancing", Duration.ofSeconds(1))));

        http.get().uri("/deliveries/{id}/events", orderId).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(PROBLEM)
                .expectHeader().valueEquals("Retry-After", "1");
    }

    private static DeliveryCommandResult result(DeliveryCommand command, CommandOutcome outcome, DeliveryStatus status,
                                                String reason) {
        return new DeliveryCommandResult(command.getCommandId(), command.getOrderId(), outcome, status, reason, T0);
    }

}
