package io.github.udptunnel.autoconfigure.jdbc;

/**
 * The JDBC known-hosts store could not do what was asked (the database is down or refused the statement, or a stored
 * key is malformed). The message names the store, its table, the operation and the host, never the database's URL or
 * credentials; the cause is the driver's exception. A connect that needed the store fails with it.
 */
public class JdbcKnownHostsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JdbcKnownHostsException(String message) {
        super(message);
    }

    public JdbcKnownHostsException(String message, Throwable cause) {
        super(message, cause);
    }
}
