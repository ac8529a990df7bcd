package io.github.udptunnel.autoconfigure.listener;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@link TunnelListener} methods found, by route; two for one route stop start-up. */
public final class TunnelListenerRegistry {

    private final Map<String, TunnelListenerMethod> byRoute = Collections.synchronizedMap(new LinkedHashMap<>());

    public void register(TunnelListenerMethod method) {
        TunnelListenerMethod earlier = byRoute.putIfAbsent(method.route(), method);
        if (earlier != null) {
            throw new IllegalStateException("two @TunnelListener methods for route '" + method.route() + "': "
                + earlier.description() + " and " + method.description());
        }
    }

    /** The method for {@code route}, or null. */
    public TunnelListenerMethod find(String route) {
        return byRoute.get(route);
    }

    public Collection<TunnelListenerMethod> all() {
        synchronized (byRoute) {
            return java.util.List.copyOf(byRoute.values());
        }
    }

    public boolean isEmpty() {
        return byRoute.isEmpty();
    }
}
