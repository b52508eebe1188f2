package io.citadel.engine.privacy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.engine.operations.AccessLogOperation;
import io.citadel.engine.resources.Representation;
import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.Timestamps;
import io.citadel.security.OriginatorIds;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator does for a data subject (TS 103 645 provisions 8 and 11): export everything the CSE holds about
 * it as JSON, and read its access log. Exports are streamed page by page, so a subject with many instances needs no
 * more memory than one page.
 */
public final class PrivacyService {
    private static final int PAGE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSubjects subjects;
    private final ResourceStore store;
    private final SubjectAccessLog log;
    private final Representation representation;
    private final OriginatorIds ids;
    private final Clock clock;
    private final java.util.function.ToIntFunction<String> delete;
    private final io.citadel.security.Redaction administrator;
    private final java.util.function.ToIntFunction<String> discardNotifications;

    /**
     * @param delete deletes a resource and its subtree by ID as a DELETE does (notifications, de-announcement);
     *     returns how many resources went, 0 when it was gone
     * @param discardNotifications drops what a subscription's notification queues still hold
     */
    public PrivacyService(
            DataSubjects subjects,
            ResourceStore store,
            SubjectAccessLog log,
            Representation representation,
            OriginatorIds ids,
            Clock clock,
            java.util.function.ToIntFunction<String> delete,
            java.util.function.ToIntFunction<String> discardNotifications) {
        this.delete = delete;
        this.administrator = io.citadel.security.Redaction.of(
                io.citadel.engine.authorization.AuditLog.ADMINISTRATOR, subjects.administratorSpellings());
        this.discardNotifications = discardNotifications;
        this.subjects = subjects;
        this.store = store;
        this.log = log;
        this.representation = representation;
        this.ids = ids;
        this.clock = clock;
    }

    /** How much an export wrote. */
    public record Exported(String subject, long resources, long accesses) {}

    /** The normalised data subject for {@code subject} (an AE-ID in any form); refuses what cannot be one. */
    public String subject(String subject) {
        if (subject == null || subject.isBlank() || subject.length() > 1024) {
            throw new IllegalArgumentException("a data subject is an AE-ID");
        }
        String normalized = ids.normalize(subject.trim());
        if (!subjects.isSubject(normalized)) {
            throw new IllegalArgumentException("a data subject is an AE-ID, not a CSE-ID or the administrator");
        }
        return normalized;
    }

    /** Whether the CSE holds anything of {@code subject}: its {@code <AE>}, a resource it created, or log entries. */
    public boolean knows(String subject) {
        String s = subject(subject);
        return subjects.registeredAe(s).isPresent()
                || !store.createdBy(s, 0, 1).isEmpty()
                || !log.read(s, 0, 1).isEmpty();
    }

    /**
     * Writes {@code {"subject", "cse", "exportedAt", "resources":[...], "accessLog":[...]}} to {@code out}: every
     * resource of the subject as a client would retrieve it (no hidden or write-only attribute), then its access
     * log.
     *
     * @throws IllegalArgumentException when the CSE holds nothing of the subject (nothing is written)
     */
    public Exported export(String subject, OutputStream out) throws IOException {
        String s = subject(subject);
        if (!knows(s)) {
            throw new IllegalArgumentException("this CSE holds no data of " + s);
        }
        log.flush();
        String aePath = subjects.registeredAe(s).map(Resource::path).orElse(null);
        long resources = 0;
        long accesses = 0;
        try (JsonGenerator g = new JsonFactory(JSON).createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("subject", s);
            g.writeStringField("cse", ids.cseId());
            g.writeStringField("exportedAt", Timestamps.format(clock.instant()));
            g.writeArrayFieldStart("resources");
            for (Resource r : (Iterable<Resource>) resourcesOf(s, aePath)::iterator) {
                g.writeObject(redacted(representation.full(r)));
                resources++;
            }
            g.writeEndArray();
            g.writeArrayFieldStart("accessLog");
            long afterId = 0;
            while (true) {
                List<SubjectAccess> page = log.read(s, afterId, PAGE);
                for (SubjectAccess a : page) {
                    g.writeObject(AccessLogOperation.entry(a));
                    afterId = a.id();
                    accesses++;
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return new Exported(s, resources, accesses);
    }

    /** Empties every access log (Upper Tester reset). */
    public void clearAccessLogs() {
        log.clear();
    }

    /** What an erasure removed. */
    public record Erased(String subject, long resources, int notifications, int accesses, int keys) {}

    /**
     * Erases everything the CSE holds of {@code subject}: its {@code <AE>} with everything under it (as a DELETE does:
     * subscribers are told, announced copies are de-announced), every resource it created elsewhere, the undelivered
     * notifications of the subscriptions among them, its access log, and, where the store keeps data at rest, the
     * content keys its rows were encrypted under, so that no copy of them can be read any more.
     *
     * @param resuming true to finish an erasure that stopped halfway (the subject may already look unknown)
     * @throws IllegalArgumentException for what is not a subject, or (unless resuming) one the CSE holds nothing of
     */
    public Erased erase(String subject, boolean resuming) {
        String s = subject(subject);
        if (!resuming && !knows(s)) {
            throw new IllegalArgumentException("this CSE holds no data of " + s);
        }
        Optional<Resource> ae = subjects.registeredAe(s);
        String aePath = ae.map(Resource::path).orElse(null);
        // the subscriptions among its resources, whose undelivered notifications go too (subscriptions are few)
        List<String> subscriptions =
                store.ofType(io.citadel.protocol.ResourceType.SUBSCRIPTION.code(), 1_000_000).stream()
                        .filter(r -> s.equals(r.creator())
                                || aePath != null
                                        && (r.path().equals(aePath) || r.path().startsWith(aePath + "/")))
                        .map(Resource::ri)
                        .toList();
        long resources = ae.map(r -> (long) delete.applyAsInt(r.ri())).orElse(0L);
        while (true) { // what it created elsewhere; a parent's deletion may take children with it
            List<Resource> page = store.createdBy(s, 0, PAGE);
            if (page.isEmpty()) {
                break;
            }
            boolean progress = false;
            for (Resource r : page) {
                int gone = delete.applyAsInt(r.ri());
                resources += gone;
                progress |= gone > 0;
            }
            if (!progress) {
                throw new IllegalStateException("resources of " + s + " could not be deleted; the erasure stopped");
            }
        }
        int notifications = 0;
        for (String sub : subscriptions) {
            notifications += discardNotifications.applyAsInt(sub);
        }
        int accesses = log.erase(s);
        int keys = store.eraseSubjectKeys(subjects.aeResourceId(s).orElse(null), s);
        return new Erased(s, resources, notifications, accesses, keys);
    }

    /**
     * The subject's resources, read page by page as the stream is consumed: its {@code <AE>} subtree in path order
     * (when {@code aePath} is not null), then what it created elsewhere in creation order.
     */
    private java.util.stream.Stream<Resource> resourcesOf(String subject, String aePath) {
        java.util.stream.Stream<Resource> tree = aePath == null
                ? java.util.stream.Stream.empty()
                : pages(after -> store.subtree(aePath, after == null ? null : after.path(), PAGE));
        java.util.stream.Stream<Resource> elsewhere = pages(
                        after -> store.createdBy(subject, after == null ? 0 : after.seq(), PAGE))
                .filter(r ->
                        aePath == null || !(r.path().equals(aePath) || r.path().startsWith(aePath + "/")));
        return java.util.stream.Stream.concat(tree, elsewhere);
    }

    /** The pages {@code next} gives (from the last resource of the page before), one after the other. */
    private static java.util.stream.Stream<Resource> pages(java.util.function.Function<Resource, List<Resource>> next) {
        return java.util.stream.Stream.iterate(
                        next.apply(null),
                        page -> !page.isEmpty(),
                        page -> page.size() < PAGE ? List.of() : next.apply(page.get(page.size() - 1)))
                .flatMap(List::stream);
    }

    /** A representation with the administrator's originator (a secret) written as {@code admin} wherever it is. */
    private Object redacted(Object value) {
        if (value instanceof String s) {
            return administrator.isSecret(s)
                    ? io.citadel.engine.authorization.AuditLog.ADMINISTRATOR
                    : administrator.apply(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, redacted(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(this::redacted).toList();
        }
        return value;
    }

    /** The subject's newest {@code limit} access log entries, oldest first. */
    public List<SubjectAccess> accessLog(String subject, int limit) {
        return log.latest(subject(subject), limit);
    }

    /** The subject's {@code <AE>} on this CSE, if it registered here. */
    public Optional<Resource> registeredAe(String subject) {
        return subjects.registeredAe(subject(subject));
    }
}
