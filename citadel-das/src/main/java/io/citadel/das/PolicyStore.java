package io.citadel.das;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.citadel.credentials.FileWatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The DAS's own policy store: {@code policies.json} in its data directory, edited by the {@code das policy}
 * CLI (atomic replace) and re-read by a running DAS when the file changes. An unreadable file denies
 * everything until it is fixed (fail closed) and says so in the log.
 */
public final class PolicyStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final System.Logger LOG = System.getLogger("citadel.das");
    private final FileWatch watch;
    private volatile List<DasPolicy> policies = List.of();

    public PolicyStore(Path file) {
        this.watch = new FileWatch(file, Duration.ofSeconds(1));
        policies();
    }

    /** The current policies, re-read at most once a second when the file changed. */
    public List<DasPolicy> policies() {
        if (watch.changed()) {
            reload();
        }
        return policies;
    }

    public Optional<DasPolicy> firstMatch(String originator, String target, int operationBit, String ip) {
        return firstMatch(originator, target, operationBit, ip, null);
    }

    /** @param statedAssurance the level the consultation states, or null (see {@link DasPolicy#matches}) */
    public Optional<DasPolicy> firstMatch(
            String originator, String target, int operationBit, String ip, Integer statedAssurance) {
        return policies().stream()
                .filter(p -> p.matches(originator, target, operationBit, ip, statedAssurance))
                .findFirst();
    }

    private synchronized void reload() {
        try {
            policies = watch.exists() ? read(watch.path()) : List.of();
        } catch (IOException | RuntimeException e) {
            policies = List.of();
            watch.retryLater();
            LOG.log(
                    System.Logger.Level.ERROR,
                    "policy file " + watch.path() + " unreadable, denying everything: " + e.getMessage());
        }
    }

    static List<DasPolicy> read(Path file) throws IOException {
        Map<?, ?> root = JSON.readValue(file.toFile(), Map.class);
        List<DasPolicy> out = new ArrayList<>();
        if (root.get("policies") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> m = (Map<?, ?>) o;
                out.add(new DasPolicy(
                        String.valueOf(m.get("id")),
                        (String) m.get("originator"),
                        (String) m.get("target"),
                        ((Number) m.get("operations")).intValue(),
                        Duration.parse(String.valueOf(m.get("lifetime"))),
                        DasPolicy.Grant.valueOf(String.valueOf(m.get("grant")).toUpperCase(Locale.ROOT)),
                        m.get("ipv4") instanceof List<?> l
                                ? l.stream().map(String::valueOf).toList()
                                : List.of(),
                        minAssurance(m.get("minAssurance"))));
            }
        }
        return out;
    }

    private static Integer minAssurance(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer level)) {
            throw new IllegalArgumentException("minAssurance must be a level of assurance from 1 to 4");
        }
        return level;
    }

    /** Adds or replaces a policy (by id) and writes the file atomically. */
    public static void put(Path file, DasPolicy policy) {
        edit(file, list -> {
            list.removeIf(p -> p.id().equals(policy.id()));
            list.add(policy);
        });
    }

    public static boolean remove(Path file, String id) {
        boolean[] removed = new boolean[1];
        edit(file, list -> removed[0] = list.removeIf(p -> p.id().equals(id)));
        return removed[0];
    }

    private static void edit(Path file, java.util.function.Consumer<List<DasPolicy>> change) {
        try {
            List<DasPolicy> list = Files.exists(file) ? new ArrayList<>(read(file)) : new ArrayList<>();
            change.accept(list);
            List<Map<String, Object>> out = new ArrayList<>();
            for (DasPolicy p : list) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", p.id());
                m.put("originator", p.originator());
                m.put("target", p.target());
                m.put("operations", p.operations());
                m.put("lifetime", p.lifetime().toString());
                m.put("grant", p.grant().name().toLowerCase(Locale.ROOT));
                m.put("ipv4", p.ipv4());
                if (p.minAssurance() != null) {
                    m.put("minAssurance", p.minAssurance());
                }
                out.add(m);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), Map.of("policies", out));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
    }
}
