package dev.outbox.registry.mode;

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

/** {@code /mode}: the global mode and per-subject overrides. */
@RestController
@RequestMapping(path = "/mode", produces = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
        RegistryMediaTypes.JSON})
public class ModeController {

    private final ModeService modes;
    private final RequestBodies bodies;

    public ModeController(ModeService modes, RequestBodies bodies) {
        this.modes = modes;
        this.bodies = bodies;
    }

    @GetMapping
    public ModeUpdateRequest global() {
        return new ModeUpdateRequest(modes.global().name());
    }

    @PutMapping(consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON, RegistryMediaTypes.JSON,
            RegistryMediaTypes.GENERIC_REQUEST})
    public ModeUpdateRequest setGlobal(@RequestParam(required = false) String force,
                                       @RequestBody(required = false) byte[] body) {
        return set(null, body, force);
    }

    /** A subject's own mode; 40409 when it has none, unless {@code defaultToGlobal=true}. */
    @GetMapping("/{subject}")
    public ModeUpdateRequest ofSubject(@PathVariable String subject,
                                       @RequestParam(required = false) String defaultToGlobal) {
        Mode mode = RequestBodies.flag(defaultToGlobal) ? modes.inScope(subject)
                : modes.ofSubject(subject).orElseThrow(() -> Errors.subjectModeNotConfigured(subject));
        return new ModeUpdateRequest(mode.name());
    }

    @PutMapping(path = "/{subject}", consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
            RegistryMediaTypes.JSON, RegistryMediaTypes.GENERIC_REQUEST})
    public ModeUpdateRequest setSubject(@PathVariable String subject, @RequestParam(required = false) String force,
                                        @RequestBody(required = false) byte[] body) {
        if (subject.chars().anyMatch(Character::isISOControl)) {
            throw Errors.invalidSubject(subject);
        }
        return set(subject, body, force);
    }

    @DeleteMapping("/{subject}")
    public ModeUpdateRequest deleteSubject(@PathVariable String subject) {
        return new ModeUpdateRequest(modes.delete(subject).name());
    }

    private ModeUpdateRequest set(String subject, byte[] body, String force) {
        ModeUpdateRequest request = bodies.read(body, ModeUpdateRequest.class);
        Mode mode = Mode.forName(request.mode());
        if (mode == null) {
            throw Errors.invalidMode();
        }
        modes.set(subject, mode, RequestBodies.flag(force));
        return request;
    }
}
