package io.github.udptunnel.engine;

/** A reusable holder that {@link Endpoint#pollEvent} fills, so polling allocates nothing. */
public final class EngineEvent {

    EventType type;
    long handle;
    CloseReason reason;

    public EventType type() {
        return type;
    }

    public long handle() {
        return handle;
    }

    /** For CONNECT_FAILED and CLOSED; null otherwise. */
    public CloseReason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return type + "(" + handle + (reason == null ? "" : ", " + reason) + ")";
    }
}
