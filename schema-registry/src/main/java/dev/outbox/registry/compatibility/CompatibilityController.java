package dev.outbox.registry.compatibility;

import dev.outbox.registry.http.RegistryMediaTypes;
import dev.outbox.registry.http.RequestBodies;
import dev.outbox.registry.schema.RegisterSchemaRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /compatibility}: tests a schema against a subject's versions without registering it. */
@RestController
@RequestMapping(path = "/compatibility/subjects/{subject}/versions", produces = {RegistryMediaTypes.V1_JSON,
        RegistryMediaTypes.DEFAULT_JSON, RegistryMediaTypes.JSON})
public class CompatibilityController {

    private final CompatibilityService compatibility;
    private final RequestBodies bodies;

    public CompatibilityController(CompatibilityService compatibility, RequestBodies bodies) {
        this.compatibility = compatibility;
        this.bodies = bodies;
    }

    @PostMapping(path = "/{version}", consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
            RegistryMediaTypes.JSON, RegistryMediaTypes.GENERIC_REQUEST})
    public CompatibilityCheckResponse againstVersion(@PathVariable String subject, @PathVariable String version,
                                                     @RequestParam(required = false) String verbose,
                                                     @RequestBody(required = false) byte[] body) {
        return compatibility.testAgainstVersion(subject, version, bodies.read(body, RegisterSchemaRequest.class),
                RequestBodies.flag(verbose));
    }

    @PostMapping(consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON, RegistryMediaTypes.JSON,
            RegistryMediaTypes.GENERIC_REQUEST})
    public CompatibilityCheckResponse againstAll(@PathVariable String subject,
                                                 @RequestParam(required = false) String verbose,
                                                 @RequestBody(required = false) byte[] body) {
        return compatibility.testAgainstAll(subject, bodies.read(body, RegisterSchemaRequest.class),
                RequestBodies.flag(verbose));
    }
}
