package dev.outbox.registry.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns every failure into Confluent's error body: refusals keep their code, framework errors (unknown route, wrong
 * method or content type) become JAX-RS-style {@code {"error_code":404,"message":"HTTP 404 Not Found"}}, database
 * failures 50001; no stack trace ever reaches the client.
 */
@RestControllerAdvice
public class RegistryExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(RegistryExceptionHandler.class);

    @ExceptionHandler(RegistryException.class)
    ResponseEntity<ErrorMessage> refused(RegistryException e, HttpServletRequest request) {
        return body(e, request);
    }

    /**
     * Spring MVC's own refusals (no route, wrong method or media type) carry their HTTP status, and headers such as
     * Allow.
     */
    @ExceptionHandler({ServletException.class, ErrorResponseException.class})
    ResponseEntity<ErrorMessage> framework(Exception e, HttpServletRequest request) {
        HttpStatus status = e instanceof ErrorResponse r ? HttpStatus.resolve(r.getStatusCode().value()) : null;
        ResponseEntity<ErrorMessage> response = body(Errors.plainHttp(status == null ? HttpStatus.BAD_REQUEST : status),
                request);
        return e instanceof ErrorResponse r && !r.getHeaders().isEmpty()
                ? ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                        .headers(r.getHeaders()).body(response.getBody())
                : response;
    }

    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<ErrorMessage> store(DataAccessException e, HttpServletRequest request) {
        log.error("{} {} failed in the database", request.getMethod(), request.getRequestURI(), e);
        return body(Errors.storeError("Error in the backend data store"), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorMessage> unexpected(Exception e, HttpServletRequest request) {
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        return body(new RegistryException(HttpStatus.INTERNAL_SERVER_ERROR, 500, "Internal Server Error"), request);
    }

    static ResponseEntity<ErrorMessage> body(RegistryException e, HttpServletRequest request) {
        return ResponseEntity.status(e.status())
                .contentType(RegistryMediaTypes.forAccept(request.getHeader(HttpHeaders.ACCEPT)))
                .body(new ErrorMessage(e.errorCode(), e.getMessage()));
    }
}
