package io.github.udptunnel.autoconfigure.jdbc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * The JDBC known-hosts store: its table, and whether the application creates that table at start-up, as Spring
 * Session JDBC does with its own ({@code spring.session.jdbc.initialize-schema}).
 */
@ConfigurationProperties("tunnel.client.known-hosts.jdbc")
public class TunnelJdbcKnownHostsProperties {

    static final String DEFAULT_SCHEMA_LOCATION =
        "classpath:io/github/udptunnel/autoconfigure/jdbc/schema-@@platform@@.sql";

    /**
     * Name of the table that holds the pinned keys: an unquoted SQL identifier, optionally schema-qualified. The
     * schema script is run with this name in place of "tunnel_known_hosts".
     */
    private String tableName = "tunnel_known_hosts";

    /**
     * When to create the table at start-up: "embedded" only for an embedded database (H2, HSQLDB, Derby), "always",
     * or "never" (the table is created by the user or a migration tool).
     */
    private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

    /**
     * Location of the SQL script that creates the table; "@@platform@@" is replaced by the database's platform
     * (postgresql, h2), detected from the DataSource unless "platform" is set.
     */
    private String schema = DEFAULT_SCHEMA_LOCATION;

    /**
     * Platform to put in place of "@@platform@@" in the schema location. Detected from the DataSource by default.
     */
    private String platform;

    /**
     * Whether start-up goes on when a statement of the schema script fails. The script only creates what is
     * missing, so a failure is a real one (no right to create tables, say) and stops start-up by default.
     */
    private boolean continueOnError = false;

    /**
     * How long one statement of the store may run before the connect that needs it fails; 0 leaves it to the
     * driver.
     */
    private Duration queryTimeout = Duration.ofSeconds(10);

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public DatabaseInitializationMode getInitializeSchema() {
        return initializeSchema;
    }

    public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
        this.initializeSchema = initializeSchema;
    }

    public String getSchema() {
        return schema;
    }

    public void setSchema(String schema) {
        this.schema = schema;
    }

    public String getPlatform() {
        return platform;
    }

    public void setPlatform(String platform) {
        this.platform = platform;
    }

    public boolean isContinueOnError() {
        return continueOnError;
    }

    public void setContinueOnError(boolean continueOnError) {
        this.continueOnError = continueOnError;
    }

    public Duration getQueryTimeout() {
        return queryTimeout;
    }

    public void setQueryTimeout(Duration queryTimeout) {
        this.queryTimeout = queryTimeout;
    }
}
