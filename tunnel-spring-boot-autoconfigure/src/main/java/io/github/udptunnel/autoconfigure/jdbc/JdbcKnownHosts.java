package io.github.udptunnel.autoconfigure.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.github.udptunnel.crypto.PublicKey;
import io.github.udptunnel.trust.KnownHosts;

/**
 * Known hosts in a database table, so that every instance of a fleet trusts the same key for a server:
 * {@code host varchar(255) primary key, public_key varchar(64) not null, pinned_at timestamp not null}
 * (see {@code schema-*.sql} beside this class).
 *
 * <p>Each call takes a connection from the {@link DataSource}, runs one or two statements in auto-commit and gives the
 * connection back; nothing is cached, so a pin is seen by the next look-up of any instance. A pin is one
 * {@code INSERT}: on PostgreSQL {@code ON CONFLICT (host) DO NOTHING}, elsewhere a plain insert whose duplicate-key
 * error is expected; when the insert did not take, the row that stopped it is read back and its key returned. So two
 * clients that pin the same host at the same moment both get the key of the one whose insert committed first, and a
 * pinned key is never overwritten (the store never updates or deletes).
 *
 * <p>A failing database throws {@link JdbcKnownHostsException}, whose message names the store, the table, the
 * operation and the host, never the connection's URL or credentials. The connection runs outside any transaction of
 * the caller: a pin stays pinned even if the caller's transaction rolls back.
 */
public final class JdbcKnownHosts implements KnownHosts {

    public static final String DEFAULT_TABLE_NAME = "tunnel_known_hosts";

    /** The widest host name the table holds ({@code varchar(255)}). */
    public static final int MAX_HOST_LENGTH = 255;

    /** An unquoted SQL identifier, optionally with a schema: all the table name is allowed to be. */
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    /** How many times a pin reads back a row that stopped its insert but was deleted meanwhile, before giving up. */
    private static final int ATTEMPTS = 3;

    /** How a pin inserts: chosen from the database on first use, or forced (tests run both on PostgreSQL). */
    enum InsertMode { AUTO, ON_CONFLICT, PORTABLE }

    private final DataSource dataSource;
    private final String table;
    private final int queryTimeoutSeconds;
    private final InsertMode insertMode;
    private final String select;
    private final String insert;
    private final String insertOnConflict;
    /** Null until the first pin asks the database what it is (when {@link InsertMode#AUTO}). */
    private volatile Boolean onConflict;

    /** The store over {@code tunnel_known_hosts}, each statement allowed 10 seconds. */
    public JdbcKnownHosts(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE_NAME, Duration.ofSeconds(10));
    }

    /**
     * @param tableName    an unquoted identifier, optionally schema-qualified ({@code tunnel.known_hosts})
     * @param queryTimeout how long one statement may run before it fails (zero: the driver's default, no limit)
     */
    public JdbcKnownHosts(DataSource dataSource, String tableName, Duration queryTimeout) {
        this(dataSource, tableName, queryTimeout, InsertMode.AUTO);
    }

    JdbcKnownHosts(DataSource dataSource, String tableName, Duration queryTimeout, InsertMode insertMode) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = requireValidTableName(tableName);
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        if (queryTimeout.isNegative()) {
            throw new IllegalArgumentException("the query timeout of the JDBC known-hosts store is not negative: "
                + queryTimeout);
        }
        long seconds = queryTimeout.isZero() ? 0 : Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
        this.queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, seconds);
        this.insertMode = Objects.requireNonNull(insertMode, "insertMode");
        this.onConflict = insertMode == InsertMode.AUTO ? null : insertMode == InsertMode.ON_CONFLICT;
        this.select = "SELECT public_key FROM " + table + " WHERE host = ?";
        this.insert = "INSERT INTO " + table + " (host, public_key, pinned_at) VALUES (?, ?, CURRENT_TIMESTAMP)";
        this.insertOnConflict = insert + " ON CONFLICT (host) DO NOTHING";
    }

    /** Checks a table name before it goes into SQL: letters, digits and underscores, an optional schema. */
    public static String requireValidTableName(String tableName) {
        if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
            throw new IllegalArgumentException("the table of the JDBC known-hosts store is an unquoted SQL identifier"
                + " (letters, digits, '_'; optionally 'schema.table'), not '" + tableName + "'");
        }
        return tableName;
    }

    public String tableName() {
        return table;
    }

    /**
     * A cheap query on the known-hosts table (for a health check): it reads no row, but fails when the database
     * cannot be reached or the table is missing.
     *
     * @throws JdbcKnownHostsException when the query fails
     */
    public void check() {
        try (Connection connection = dataSource.getConnection();
             java.sql.Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (java.sql.ResultSet rows = statement.executeQuery("SELECT host FROM " + table + " WHERE 1 = 0")) {
                rows.next();
            }
        } catch (SQLException e) {
            throw failure("checking the table", e);
        }
    }

    @Override
    public PublicKey lookup(String host) {
        requireValidHost(host);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = autoCommit(connection);
            try {
                return select(connection, host);
            } finally {
                restore(connection, autoCommit);
            }
        } catch (SQLException e) {
            throw failure("looking up the key of " + host, e);
        }
    }

    @Override
    public PublicKey pinIfAbsent(String host, PublicKey key) {
        requireValidHost(host);
        Objects.requireNonNull(key, "key");
        String encoded = key.toBase64();
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = autoCommit(connection);
            try {
                for (int attempt = 1; ; attempt++) {
                    if (insert(connection, host, encoded)) {
                        return key;
                    }
                    PublicKey pinned = select(connection, host);
                    if (pinned != null) {
                        return pinned;
                    }
                    // The row that stopped the insert is gone (someone removed the pin meanwhile): insert again.
                    if (attempt == ATTEMPTS) {
                        throw new JdbcKnownHostsException(this + ": pinning the key of " + host + " failed: "
                            + ATTEMPTS + " inserts were refused but no pin could be read back");
                    }
                }
            } finally {
                restore(connection, autoCommit);
            }
        } catch (SQLException e) {
            throw failure("pinning the key of " + host, e);
        }
    }

    /** True when this insert added the row; false when a row for {@code host} was there (or came first). */
    private boolean insert(Connection connection, String host, String key) throws SQLException {
        boolean useOnConflict = useOnConflict(connection);
        try (PreparedStatement statement = connection.prepareStatement(useOnConflict ? insertOnConflict : insert)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, host);
            statement.setString(2, key);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            if (!useOnConflict && isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    private PublicKey select(Connection connection, String host) throws SQLException {
        String text;
        try (PreparedStatement statement = connection.prepareStatement(select)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, host);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                text = rows.getString(1);
            }
        }
        try {
            return PublicKey.fromBase64(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new JdbcKnownHostsException(this + ": the key stored for " + host + " is not a public key: "
                + e.getMessage() + "; fix or delete that row", e);
        }
    }

    private boolean useOnConflict(Connection connection) throws SQLException {
        Boolean known = onConflict;
        if (known == null) {
            String product = connection.getMetaData().getDatabaseProductName();
            known = product != null && product.toLowerCase(Locale.ROOT).contains("postgresql");
            onConflict = known;
        }
        return known;
    }

    /**
     * A unique-key violation: SQLState 23505 (PostgreSQL, H2, Derby, DB2, HSQLDB) or the JDBC type most drivers use
     * for it (MySQL, MariaDB, Oracle, SQL Server). Another integrity error taken for one is harmless: the read-back
     * finds no row and the pin fails after a few attempts.
     */
    static boolean isDuplicateKey(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if (next instanceof SQLIntegrityConstraintViolationException || "23505".equals(next.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Runs our statements in auto-commit, whatever the pool hands out; returns the mode to restore. */
    private static boolean autoCommit(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
            connection.setAutoCommit(true);
        }
        return autoCommit;
    }

    /** Gives the connection back as it came; a connection too broken for that is the pool's to discard. */
    private static void restore(Connection connection, boolean autoCommit) {
        if (!autoCommit) {
            try {
                connection.setAutoCommit(false);
            } catch (SQLException broken) {
                // The outcome of the operation stands; the pool tests or replaces the connection.
            }
        }
    }

    private JdbcKnownHostsException failure(String operation, SQLException e) {
        return new JdbcKnownHostsException(this + ": " + operation + " failed: " + describe(e), e);
    }

    /** The SQLState and message of the exception and of its deepest cause, credentials masked. */
    static String describe(SQLException e) {
        StringBuilder text = new StringBuilder();
        if (e.getSQLState() != null) {
            text.append("SQLState ").append(e.getSQLState()).append(", ");
        }
        text.append(firstLine(e.getMessage()));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !text.toString().contains(firstLine(root.getMessage()))) {
            text.append(" (cause: ").append(root.getClass().getSimpleName()).append(": ")
                .append(firstLine(root.getMessage())).append(')');
        }
        return maskCredentials(text.toString());
    }

    private static final Pattern CREDENTIAL = Pattern.compile("(?i)\\b(password|pwd|passwd|secret)(\\s*[=:]\\s*)[^\\s&;,)]+");

    static String maskCredentials(String text) {
        return CREDENTIAL.matcher(text).replaceAll("$1$2***");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    private static void requireValidHost(String host) {
        if (host == null || host.isBlank() || host.length() > MAX_HOST_LENGTH) {
            throw new IllegalArgumentException("a known-hosts name is 1 to " + MAX_HOST_LENGTH
                + " characters, not blank: '" + host + "'");
        }
    }

    /** Names the store and its table, never the database's URL or user. */
    @Override
    public String toString() {
        return "JDBC known-hosts store (table " + table + ")";
    }
}
