package dev.outbox.registry.http;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat refuses some requests before any servlet, and so before Spring, sees them: an encoded {@code /} ({@code %2F})
 * or NUL ({@code %00}) in the path, a malformed request line. Its error report valve answers those, with an HTML
 * page; this one answers in Confluent's shape, {@code {"error_code":400,"message":"HTTP 400 Bad Request ..."}}.
 * Errors of requests that did reach the application are rendered by {@link RegistryErrorController} and left alone.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as Tomcat's own: nothing for non-errors, nothing if a body was written, report each error once
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String message = "HTTP " + status + (known == null ? "" : " " + known.getReasonPhrase());
        String uri = request.getRequestURI();
        if (status == 400 && uri != null) {
            String lower = uri.toLowerCase(Locale.ROOT);
            if (lower.contains("%2f") || lower.contains("%00") || lower.contains("%5c")) {
                message += ": a path may not contain an encoded '/' (%2F), '\\\\' (%5C) or NUL (%00)";
            }
        }
        try {
            response.setContentType(RegistryMediaTypes.V1_JSON);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"error_code\":" + status + ",\"message\":\"" + message + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away, or the response cannot be written any more: nothing to report to
        }
    }
}
