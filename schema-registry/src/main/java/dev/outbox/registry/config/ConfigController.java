package dev.outbox.registry.config;

import dev.outbox.registry.http.Errors;
import dev.outbox.registry.http.RegistryMediaTypes;
import dev.outbox.registry.http.RequestBodies;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /config}: the global compatibility level and per-subject overrides. */
@RestController
@RequestMapping(path = "/config", produces = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
        RegistryMediaTypes.JSON})
public class ConfigController {

    private final ConfigService config;
    private final RequestBodies bodies;

    public ConfigController(ConfigService config, RequestBodies bodies) {
        this.config = config;
        this.bodies = bodies;
    }

    @GetMapping
    public CompatibilityConfig global() {
        return new CompatibilityConfig(config.global().name());
    }

    @PutMapping(consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON, RegistryMediaTypes.JSON,
            RegistryMediaTypes.GENERIC_REQUEST})
    public ConfigUpdateRequest setGlobal(@RequestBody(required = false) byte[] body) {
        ConfigUpdateRequest request = bodies.read(body, ConfigUpdateRequest.class);
        config.set(null, level(request));
        return request;
    }

    @DeleteMapping
    public CompatibilityConfig deleteGlobal() {
        return new CompatibilityConfig(config.deleteGlobalLevel().name());
    }

    /** A subject's own level; 40408 when it has none, unless {@code defaultToGlobal=true}. */
    @GetMapping("/{subject}")
    public CompatibilityConfig ofSubject(@PathVariable String subject,
                                        @RequestParam(required = false) String defaultToGlobal) {
        CompatibilityLevel level = RequestBodies.flag(defaultToGlobal) ? config.inScope(subject)
                : config.ofSubject(subject).orElseThrow(() -> Errors.subjectCompatibilityNotConfigured(subject));
        return new CompatibilityConfig(level.name());
    }

    @PutMapping(path = "/{subject}", consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
            RegistryMediaTypes.JSON, RegistryMediaTypes.GENERIC_REQUEST})
    public ConfigUpdateRequest setSubject(@PathVariable String subject, @RequestBody(required = false) byte[] body) {
        ConfigUpdateRequest request = bodies.read(body, ConfigUpdateRequest.class);
        if (subject.chars().anyMatch(Character::isISOControl)) {
            throw Errors.invalidSubject(subject);
        }
        config.set(subject, level(request));
        return request;
    }

    @DeleteMapping("/{subject}")
    public CompatibilityConfig deleteSubject(@PathVariable String subject) {
        return new CompatibilityConfig(config.deleteSubjectLevel(subject).name());
    }

    private static CompatibilityLevel level(ConfigUpdateRequest request) {
        CompatibilityLevel level = CompatibilityLevel.forName(request.compatibility());
        if (level == null) {
            throw Errors.invalidCompatibilityLevel();
        }
        return level;
    }
}
