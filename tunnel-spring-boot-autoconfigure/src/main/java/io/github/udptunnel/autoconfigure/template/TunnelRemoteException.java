package io.github.udptunnel.autoconfigure.template;

/** The server's listener failed on the request: the server sent back the type and message of its exception. */
public class TunnelRemoteException extends TunnelClientException {

    private static final long serialVersionUID = 1L;

    private final String remoteType;
    private final String remoteMessage;

    public TunnelRemoteException(String server, String remoteType, String remoteMessage) {
        super("the listener on tunnel server '" + server + "' failed: " + remoteType
            + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage), null);
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
    }

    /** The class name of the exception the listener threw. */
    public String getRemoteType() {
        return remoteType;
    }

    /** Its message (empty when it had none). */
    public String getRemoteMessage() {
        return remoteMessage;
    }
}
