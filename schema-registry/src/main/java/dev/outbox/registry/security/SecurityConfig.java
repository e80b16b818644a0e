package dev.outbox.registry.security;

import dev.outbox.registry.http.ErrorMessage;
import dev.outbox.registry.http.RegistryMediaTypes;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP Basic authentication, as Confluent's registry offers it ({@code authentication.method=BASIC}): with it on,
 * every request needs credentials (Confluent's default too), except {@code GET /actuator/health}, whose status stays
 * public for the launcher and load balancers (its details are for admins). Three roles, each implying the one below:
 *
 * <ul>
 *   <li>{@code READER}: GET, and the two POSTs that change nothing (a schema lookup, {@code POST /subjects/{s}}, and
 *       compatibility checks, {@code POST /compatibility/...}): what a consumer needs;</li>
 *   <li>{@code WRITER}: also {@code POST /subjects/{s}/versions}, registering: what a producer registering its
 *       schemas needs;</li>
 *   <li>{@code ADMIN}: everything, deletes and {@code /config}, {@code /mode} changes included.</li>
 * </ul>
 *
 * <p>No credentials or wrong ones: 401 with {@code WWW-Authenticate: Basic}; a role that does not allow the request:
 * 403; both in Confluent's error shape. Stateless: no session, no cookie, so no CSRF to guard against.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
public class SecurityConfig {

    static final String READER = "READER";
    static final String WRITER = "WRITER";
    static final String ADMIN = "ADMIN";

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean
    SecurityFilterChain registrySecurity(HttpSecurity http, AuthProperties auth) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
        if (!auth.enabled()) {
            log.warn("registry.auth.enabled=false: no authentication, anyone who reaches this port may register, "
                    + "delete and reconfigure");
            return http.httpBasic(AbstractHttpConfigurer::disable)
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .build();
        }
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + auth.realm() + "\"");
            write(request, response, HttpStatus.UNAUTHORIZED, e instanceof InsufficientAuthenticationException
                    ? "Unauthorized: this registry needs HTTP Basic credentials"
                    : "Unauthorized: bad credentials");
        };
        AccessDeniedHandler denied = (request, response, e) -> {
            Authentication user = SecurityContextHolder.getContext().getAuthentication();
            write(request, response, HttpStatus.FORBIDDEN, "Forbidden: user '" + (user == null ? "" : user.getName())
                    + "' may not " + request.getMethod() + " here; its role does not allow it");
        };
        return http
                .httpBasic(b -> b.realmName(auth.realm()).authenticationEntryPoint(unauthenticated))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .authorizeHttpRequests(a -> a
                        // the error page renders errors of requests already let through or refused by Tomcat
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/**").hasRole(READER)
                        .requestMatchers(HttpMethod.HEAD, "/**").hasRole(READER)
                        .requestMatchers(HttpMethod.POST, "/subjects/*", "/compatibility/**").hasRole(READER)
                        .requestMatchers(HttpMethod.POST, "/subjects/*/versions").hasRole(WRITER)
                        .anyRequest().hasRole(ADMIN))
                .build();
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(ADMIN).implies(WRITER)
                .role(WRITER).implies(READER)
                .build();
    }

    /**
     * The configured accounts. Not an {@code InMemoryUserDetailsManager}: that one would "upgrade" plain passwords to
     * bcrypt after the first login, and bcrypt on every request costs tens of milliseconds of CPU.
     */
    @Bean
    UserDetailsService registryAccounts(AuthProperties auth) {
        Map<String, UserDetails> accounts = new LinkedHashMap<>();
        add(accounts, auth.admin(), ADMIN);
        add(accounts, auth.writer(), WRITER);
        add(accounts, auth.reader(), READER);
        if (auth.enabled()) {
            if (accounts.isEmpty()) {
                throw new IllegalStateException("registry.auth.enabled=true, but no account has a password: set "
                        + "REGISTRY_AUTH_ADMIN_PASSWORD (and REGISTRY_AUTH_WRITER_PASSWORD, REGISTRY_AUTH_READER_PASSWORD "
                        + "for the other roles), or REGISTRY_AUTH_ENABLED=false for a registry without authentication");
            }
            log.info("HTTP Basic authentication on; accounts: {}", accounts.values().stream()
                    .map(u -> u.getUsername() + " " + u.getAuthorities()).toList());
        }
        return username -> {
            UserDetails user = accounts.get(username);
            if (user == null) {
                throw new UsernameNotFoundException("no such account");
            }
            return User.withUserDetails(user).build();
        };
    }

    private static void add(Map<String, UserDetails> accounts, AuthProperties.Account account, String role) {
        if (!account.exists()) {
            return;
        }
        if (accounts.containsKey(account.username())) {
            throw new IllegalStateException("registry.auth: user name '" + account.username()
                    + "' is given to two roles; each role needs its own account");
        }
        accounts.put(account.username(), User.withUsername(account.username()).password(account.password())
                .roles(role).build());
    }

    /** Passwords with an {@code {id}} prefix are checked by that encoder; others are compared in constant time. */
    @Bean
    static PasswordEncoder passwordEncoder() {
        DelegatingPasswordEncoder encoder =
                (DelegatingPasswordEncoder) PasswordEncoderFactories.createDelegatingPasswordEncoder();
        encoder.setDefaultPasswordEncoderForMatches(new PlainPasswords());
        return encoder;
    }

    private static final class PlainPasswords implements PasswordEncoder {

        @Override
        public String encode(CharSequence rawPassword) {
            throw new UnsupportedOperationException("plain passwords are only compared");
        }

        @Override
        public boolean matches(CharSequence rawPassword, String encodedPassword) {
            return rawPassword != null && encodedPassword != null
                    && MessageDigest.isEqual(sha256(rawPassword.toString()), sha256(encodedPassword));
        }

        private static byte[] sha256(String text) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
                              String message) throws IOException {
        response.setStatus(status.value());
        response.setContentType(RegistryMediaTypes.forAccept(request.getHeader(HttpHeaders.ACCEPT)).toString());
        response.getOutputStream().write(JSON.writeValueAsBytes(new ErrorMessage(status.value(), message)));
    }
}
