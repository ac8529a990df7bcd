package io.github.udptunnel.autoconfigure.message;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.ClassUtils;

/** The built-in converters. */
public final class TunnelMessageConverters {

    static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

    private TunnelMessageConverters() {
    }

    /**
     * byte[], String, and JSON through {@code jsonMapper} when it is not null (a {@code tools.jackson.databind.json
     * .JsonMapper}; an Object here so this class loads without Jackson).
     */
    public static CompositeMessageConverter defaults(Object jsonMapper) {
        List<TunnelMessageConverter> list = new ArrayList<>(List.of(new ByteArrayMessageConverter(),
            new StringMessageConverter()));
        if (jsonMapper != null) {
            list.add(new JacksonMessageConverter((tools.jackson.databind.json.JsonMapper) jsonMapper));
        }
        return new CompositeMessageConverter(list);
    }

    /** True when Jackson 3 is on the class path. */
    public static boolean jacksonPresent(ClassLoader loader) {
        return ClassUtils.isPresent(JSON_MAPPER, loader);
    }
}
