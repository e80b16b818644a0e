package dev.outbox.registry.subject;

import dev.outbox.registry.http.RegistryMediaTypes;
import dev.outbox.registry.http.RequestBodies;
import dev.outbox.registry.schema.RegisterSchemaRequest;
import dev.outbox.registry.schema.RegisteredSchema;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /subjects}: Confluent's subject and version resources. Boolean flags are read as JAX-RS reads them. */
@RestController
@RequestMapping(path = "/subjects", produces = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
        RegistryMediaTypes.JSON})
public class SubjectController {

    private final SubjectService subjects;
    private final RequestBodies bodies;

    public SubjectController(SubjectService subjects, RequestBodies bodies) {
        this.subjects = subjects;
        this.bodies = bodies;
    }

    @GetMapping
    public List<String> list(@RequestParam(required = false) String subjectPrefix,
                             @RequestParam(required = false) String deleted,
                             @RequestParam(required = false) String deletedOnly) {
        return subjects.subjects(subjectPrefix, RequestBodies.flag(deleted), RequestBodies.flag(deletedOnly));
    }

    @PostMapping(path = "/{subject}", consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
            RegistryMediaTypes.JSON, RegistryMediaTypes.GENERIC_REQUEST})
    public RegisteredSchema lookup(@PathVariable String subject, @RequestParam(required = false) String deleted,
                                   @RequestBody(required = false) byte[] body) {
        return subjects.lookup(subject, bodies.read(body, RegisterSchemaRequest.class), RequestBodies.flag(deleted));
    }

    @DeleteMapping("/{subject}")
    public List<Integer> deleteSubject(@PathVariable String subject, @RequestParam(required = false) String permanent) {
        return subjects.deleteSubject(subject, RequestBodies.flag(permanent));
    }

    @GetMapping("/{subject}/versions")
    public List<Integer> versions(@PathVariable String subject, @RequestParam(required = false) String deleted,
                                  @RequestParam(required = false) String deletedOnly) {
        return subjects.versions(subject, RequestBodies.flag(deleted), RequestBodies.flag(deletedOnly));
    }

    /** Registers a schema ({@code normalize} is accepted; schemas are always normalised to Avro's parsed form). */
    @PostMapping(path = "/{subject}/versions", consumes = {RegistryMediaTypes.V1_JSON, RegistryMediaTypes.DEFAULT_JSON,
            RegistryMediaTypes.JSON, RegistryMediaTypes.GENERIC_REQUEST})
    public RegisterSchemaResponse register(@PathVariable String subject, @RequestBody(required = false) byte[] body) {
        return new RegisterSchemaResponse(subjects.register(subject, bodies.read(body, RegisterSchemaRequest.class)));
    }

    @GetMapping("/{subject}/versions/{version}")
    public RegisteredSchema version(@PathVariable String subject, @PathVariable String version,
                                   @RequestParam(required = false) String deleted) {
        return subjects.version(subject, version, RequestBodies.flag(deleted));
    }

    /** The schema text alone, unescaped. */
    @GetMapping("/{subject}/versions/{version}/schema")
    public String schemaText(@PathVariable String subject, @PathVariable String version,
                             @RequestParam(required = false) String deleted) {
        return subjects.version(subject, version, RequestBodies.flag(deleted)).schema();
    }

    @GetMapping("/{subject}/versions/{version}/referencedby")
    public List<Integer> referencedBy(@PathVariable String subject, @PathVariable String version) {
        return subjects.referencedBy(subject, version);
    }

    @DeleteMapping("/{subject}/versions/{version}")
    public int deleteVersion(@PathVariable String subject, @PathVariable String version,
                             @RequestParam(required = false) String permanent) {
        return subjects.deleteVersion(subject, version, RequestBodies.flag(permanent));
    }
}
