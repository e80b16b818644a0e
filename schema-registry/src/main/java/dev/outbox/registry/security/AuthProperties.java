package dev.outbox.registry.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTP Basic authentication ({@code registry.auth.*}, or {@code REGISTRY_AUTH_*} in the environment): one account per
 * role. An account whose password is empty does not exist; with authentication on, at least one must.
 *
 * @param enabled false: no authentication at all, everyone may do everything (the registry before issue 9)
 * @param realm   the realm named in {@code WWW-Authenticate}
 * @param admin   everything: also deletes, {@code /config} and {@code /mode} changes
 * @param writer  reads, lookups and registering schemas (what a producer with auto.register.schemas needs)
 * @param reader  reads only: GET, and the POSTs that change nothing (schema lookup, compatibility check)
 */
@ConfigurationProperties("registry.auth")
public record AuthProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("schema-registry") String realm,
        @DefaultValue Account admin,
        @DefaultValue Account writer,
        @DefaultValue Account reader) {

    /**
     * @param password in plain text, or encoded with Spring Security's {@code {id}} prefix (e.g. {@code {bcrypt}...},
     *                 checked on every request, so it costs CPU per request)
     */
    public record Account(@DefaultValue("") String username, @DefaultValue("") String password) {

        boolean exists() {
            return username != null && !username.isBlank() && password != null && !password.isEmpty();
        }

        @Override
        public String toString() {
            return "Account[" + username + "]";
        }
    }
}
