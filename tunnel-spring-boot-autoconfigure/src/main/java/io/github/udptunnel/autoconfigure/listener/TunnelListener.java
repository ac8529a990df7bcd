package io.github.udptunnel.autoconfigure.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method that handles messages arriving at the tunnel server, as {@code @RabbitListener} does for a
 * queue. The method takes at most one payload parameter (converted from the message to its type: byte[], String,
 * or anything through JSON) and, if it wants them, a {@link TunnelMessage} (route, content type, peer). Its return
 * value is the reply to a request ({@code TunnelTemplate.sendAndReceive}); to a one-way message it is dropped. An
 * exception is logged, counted and sent back to a requester as an error; the server carries on.
 *
 * <pre>{@code
 * @TunnelListener
 * public Quote quote(QuoteRequest request) { ... }
 *
 * @TunnelListener("audit")
 * public void audit(String line, TunnelMessage message) { ... }
 * }</pre>
 *
 * Messages of one connection may be handled at once on several threads; replies find their request by correlation
 * id, whatever order they finish in.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TunnelListener {

    /** Alias for {@link #route()}. */
    @AliasFor("route")
    String value() default "";

    /** The route this method handles: what a client names in {@code send(server, route, payload)}. Empty: the default. */
    @AliasFor("value")
    String route() default "";
}
