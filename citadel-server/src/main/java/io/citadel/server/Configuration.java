package io.citadel.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Settings resolved from, in increasing priority: defaults, a properties file ({@code --config}),
 * environment variables ({@code CITADEL_HTTP_PORT} ...), command-line flags ({@code --http-port 8080}).
 */
final class Configuration {
    private final Map<ConfigKey, String> values;

    private Configuration(Map<ConfigKey, String> values) {
        this.values = values;
    }

    /** @throws IllegalArgumentException on unknown flags, missing values or an unreadable config file */
    static Configuration resolve(List<String> args, Map<String, String> env) {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            ConfigKey key = ConfigKey.ofFlag(name);
            if (key == null) {
                throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args.get(++i);
            }
            flags.put(key, value);
        }
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            if (k.defaultValue() != null) {
                values.put(k, k.defaultValue());
            }
        }
        String configFile = flags.getOrDefault(ConfigKey.CONFIG, env.get(ConfigKey.CONFIG.env()));
        if (configFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(configFile), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + configFile + ": " + e.getMessage());
            }
            for (String name : p.stringPropertyNames()) {
                ConfigKey key = ConfigKey.ofFlag(name);
                if (key == null || key == ConfigKey.CONFIG) {
                    throw new IllegalArgumentException("unknown setting '" + name + "' in " + configFile);
                }
                values.put(key, p.getProperty(name).trim());
            }
        }
        for (ConfigKey k : ConfigKey.values()) {
            String v = env.get(k.env());
            if (v != null) {
                values.put(k, v);
            }
        }
        values.putAll(flags);
        for (Map.Entry<ConfigKey, String> e : values.entrySet()) {
            e.setValue(checked(e.getKey(), e.getValue()));
        }
        return new Configuration(values);
    }

    /**
     * The value if it is what its key's {@link ConfigKey.Kind} asks for (a choice in its canonical spelling);
     * a pure check that touches nothing, so that a bad setting stops the start before any side effect.
     */
    private static String checked(ConfigKey key, String value) {
        String flag = "--" + key.flag();
        switch (key.kind()) {
            case PORT -> {
                if (integer(flag, value) < 0 || integer(flag, value) > 65535) {
                    throw new IllegalArgumentException(flag + " must be a port number from 0 to 65535");
                }
            }
            case POSITIVE -> {
                if (integer(flag, value) < 1) {
                    throw new IllegalArgumentException(flag + " must be a positive number");
                }
            }
            case NON_NEGATIVE -> {
                if (integer(flag, value) < 0) {
                    throw new IllegalArgumentException(flag + " must be zero or more");
                }
            }
            case BOOLEAN -> {
                if (!"true".equals(value) && !"false".equals(value)) {
                    throw new IllegalArgumentException(flag + " must be true or false");
                }
            }
            case DURATION -> {
                try {
                    java.time.Duration d = java.time.Duration.parse(value);
                    if (d.isNegative() || d.isZero()) {
                        throw new IllegalArgumentException(flag + " must be positive");
                    }
                } catch (java.time.format.DateTimeParseException e) {
                    throw new IllegalArgumentException(flag + " must be an ISO 8601 duration such as PT30S");
                }
            }
            case CHOICE -> {
                return key.choices().stream()
                        .filter(c -> c.equalsIgnoreCase(value.trim()))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(flag + " must be "
                                + String.join(", ", key.choices()).replaceFirst(", ([^,]*)$", " or $1")));
            }
            case FILE -> {
                Path file = Path.of(value);
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new IllegalArgumentException(flag + ": no readable file " + value);
                }
            }
            case TEXT -> {
                // free text; its consumer checks its form
            }
        }
        return value;
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number");
        }
    }

    String get(ConfigKey key) {
        return values.get(key);
    }

    int getInt(ConfigKey key) {
        try {
            return Integer.parseInt(values.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key.flag() + " must be a number");
        }
    }

    boolean getBoolean(ConfigKey key) {
        String v = values.get(key);
        if (!"true".equals(v) && !"false".equals(v)) {
            throw new IllegalArgumentException("--" + key.flag() + " must be true or false");
        }
        return Boolean.parseBoolean(v);
    }

    static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: citadel serve [options]\n\n")
                .append("Starts the Citadel oneM2M CSE. Every option can also be set in a properties file\n")
                .append(
                        "(--config FILE, key=value) or in the environment (CITADEL_<OPTION>, e.g. CITADEL_HTTP_PORT).\n")
                .append("Priority: flag > environment > config file > default.\n\nOptions:\n");
        for (ConfigKey k : ConfigKey.values()) {
            sb.append(String.format(Locale.ROOT, "  --%-22s %s%n", k.flag() + " V", k.help()));
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-24s env %s%s%n",
                    "",
                    k.env(),
                    k.defaultValue() == null ? "" : ", default " + k.defaultValue()));
        }
        return sb.toString();
    }
}
