package dev.outbox.registry.http;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/** Confluent's root ({@code {}}, which clients use as a ping) and contexts (only the default context exists here). */
@RestController
public class RootController {

    @GetMapping(path = "/", produces = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
            RegistryMediaTypes.JSON})
    public Map<String, Object> root() {
        return Map.of();
    }

    @GetMapping(path = "/contexts", produces = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
            RegistryMediaTypes.JSON})
    public List<String> contexts() {
        return List.of(".");
    }
}
