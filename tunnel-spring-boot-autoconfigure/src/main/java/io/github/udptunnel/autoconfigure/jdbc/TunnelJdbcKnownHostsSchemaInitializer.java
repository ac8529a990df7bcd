package io.github.udptunnel.autoconfigure.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.util.StreamUtils;
import org.springframework.util.StringUtils;

/**
 * Creates the known-hosts table at start-up as {@code tunnel.client.known-hosts.jdbc.initialize-schema} says, with the
 * script for the database's platform ({@code schema-postgresql.sql}, {@code schema-h2.sql}) and the configured table
 * name in place of {@code tunnel_known_hosts}. The scripts only create what is missing, so running one on every
 * start is harmless.
 *
 * <p>Being a Spring Boot script initializer, beans marked {@code @DependsOnDatabaseInitialization} (the store among
 * them) are created after it. The platform is looked up only when the script will run: with the default mode and a
 * server database the application starts without touching the database, even when it is down.
 */
public class TunnelJdbcKnownHostsSchemaInitializer extends DataSourceScriptDatabaseInitializer {

    private static final Pattern DEFAULT_NAME =
        Pattern.compile("\\b" + JdbcKnownHosts.DEFAULT_TABLE_NAME + "\\b", Pattern.CASE_INSENSITIVE);

    private final String tableName;

    public TunnelJdbcKnownHostsSchemaInitializer(DataSource dataSource, TunnelJdbcKnownHostsProperties properties) {
        super(dataSource, settings(dataSource, properties));
        this.tableName = properties.getTableName();
    }

    private static DatabaseInitializationSettings settings(DataSource dataSource,
                                                           TunnelJdbcKnownHostsProperties properties) {
        JdbcKnownHosts.requireValidTableName(properties.getTableName());
        DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
        DatabaseInitializationMode mode = properties.getInitializeSchema();
        settings.setMode(mode);
        settings.setContinueOnError(properties.isContinueOnError());
        boolean runs = mode == DatabaseInitializationMode.ALWAYS
            || (mode == DatabaseInitializationMode.EMBEDDED && EmbeddedDatabaseConnection.isEmbedded(dataSource));
        if (runs) {
            PlatformPlaceholderDatabaseDriverResolver platforms = new PlatformPlaceholderDatabaseDriverResolver();
            settings.setSchemaLocations(StringUtils.hasText(properties.getPlatform())
                ? platforms.resolveAll(properties.getPlatform(), properties.getSchema())
                : platforms.resolveAll(dataSource, properties.getSchema()));
        }
        return settings;
    }

    /** Runs the scripts with the configured table name in place of the default one. */
    @Override
    protected void runScripts(Scripts scripts) {
        Charset charset = scripts.getEncoding() != null ? scripts.getEncoding() : StandardCharsets.UTF_8;
        List<Resource> renamed = new ArrayList<>();
        for (Resource script : scripts) {
            try {
                String sql = StreamUtils.copyToString(script.getInputStream(), charset);
                String replaced = DEFAULT_NAME.matcher(sql).replaceAll(Matcher.quoteReplacement(tableName));
                renamed.add(new ByteArrayResource(replaced.getBytes(charset),
                    script.getDescription() + " for table " + tableName));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the known-hosts schema " + script.getDescription(), e);
            }
        }
        super.runScripts(new Scripts(renamed).continueOnError(scripts.isContinueOnError())
            .separator(scripts.getSeparator()).encoding(charset));
    }
}
