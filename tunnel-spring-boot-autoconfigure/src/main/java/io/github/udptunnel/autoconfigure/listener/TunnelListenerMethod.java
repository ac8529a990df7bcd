package io.github.udptunnel.autoconfigure.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;

import org.springframework.util.ReflectionUtils;

import io.github.udptunnel.autoconfigure.message.TunnelMessageConverter;

/**
 * A {@link TunnelListener} method of a bean, ready to call: which parameter gets the payload (converted to its type)
 * and which the {@link TunnelMessage}.
 */
public final class TunnelListenerMethod {

    private final Object bean;
    private final Method method;
    private final String route;
    private final int payloadIndex;
    private final Class<?> payloadType;
    private final int messageIndex;
    private final String description;

    /** Checks the method's parameters; throws naming the method when they do not fit. */
    public TunnelListenerMethod(Object bean, Method invocable, Method declared, String route) {
        this.bean = Objects.requireNonNull(bean, "bean");
        this.method = invocable;
        this.route = route;
        this.description = declared.getDeclaringClass().getName() + "." + declared.getName();
        int payload = -1;
        int message = -1;
        Class<?>[] types = invocable.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == TunnelMessage.class) {
                if (message >= 0) {
                    throw new IllegalStateException("@TunnelListener " + description + " has two TunnelMessage parameters");
                }
                message = i;
            } else {
                if (payload >= 0) {
                    throw new IllegalStateException("@TunnelListener " + description + " has two payload parameters ("
                        + types[payload].getSimpleName() + " and " + types[i].getSimpleName() + "): it takes one payload"
                        + " and, if it wants it, a TunnelMessage");
                }
                payload = i;
            }
        }
        this.payloadIndex = payload;
        this.payloadType = payload >= 0 ? types[payload] : null;
        this.messageIndex = message;
        ReflectionUtils.makeAccessible(invocable);
    }

    public String route() {
        return route;
    }

    public String description() {
        return description;
    }

    public Object bean() {
        return bean;
    }

    /**
     * Calls the method with the message's payload converted; returns its return value. Throws the method's own
     * exception as it is, or a conversion exception.
     */
    Object invoke(TunnelMessage message, TunnelMessageConverter converter) throws Throwable {
        Object[] args = new Object[method.getParameterCount()];
        if (payloadIndex >= 0) {
            Class<?> target = payloadType.isPrimitive()
                ? java.lang.invoke.MethodType.methodType(payloadType).wrap().returnType() : payloadType;
            args[payloadIndex] = converter.fromPayload(message.payload(), target);
            if (args[payloadIndex] == null && payloadType.isPrimitive()) {
                throw new IllegalArgumentException("a null payload for the " + payloadType + " parameter of "
                    + description);
            }
        }
        if (messageIndex >= 0) {
            args[messageIndex] = message;
        }
        try {
            return method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            throw e.getTargetException();
        }
    }

    @Override
    public String toString() {
        return "@TunnelListener(\"" + route + "\") " + description;
    }
}
