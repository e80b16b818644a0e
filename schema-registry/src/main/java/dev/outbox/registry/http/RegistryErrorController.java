package dev.outbox.registry.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that happen outside the controllers (the servlet container's error page) in Confluent's shape too, instead
 * of Spring Boot's default error document.
 */
@RestController
public class RegistryErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ErrorMessage> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null
                ? HttpStatus.resolve(i) : HttpStatus.INTERNAL_SERVER_ERROR;
        return RegistryExceptionHandler.body(Errors.plainHttp(status), request);
    }
}
