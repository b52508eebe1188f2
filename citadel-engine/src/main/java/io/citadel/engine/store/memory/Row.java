package io.citadel.engine.store.memory;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.StoreException;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;

/**
 * One stored resource as the JDBC store keeps its row: the indexed columns and the attributes encoded as
 * JSON. Keeping the encoded body rather than the {@link Resource} gives every read a fresh copy, with numbers
 * and nesting as a database round trip gives them, so nothing a caller does to a returned resource reaches
 * the store. {@link #of} enforces the column rules of the JDBC schema (NOT NULL, VARCHAR widths).
 *
 * @param expiry the expiration time in epoch milliseconds; null when absent or not a timestamp
 */
public record Row(
        String ri,
        String parentId,
        String name,
        int type,
        String path,
        long seq,
        Long expiry,
        String creator,
        byte[] body) {
    /** Creation order, as {@code ORDER BY seq}; the resource ID breaks ties so that the order is total. */
    static final Comparator<Row> BY_SEQUENCE =
            Comparator.<Row>comparingLong(Row::seq).thenComparing(Row::ri);
    /** Oldest expiry first, for rows that have one. */
    static final Comparator<Row> BY_EXPIRY =
            Comparator.<Row, Long>comparing(Row::expiry).thenComparing(BY_SEQUENCE);

    /** The widths of the JDBC schema's VARCHAR columns, in characters. */
    static final int ID_WIDTH = 255;

    static final int PATH_WIDTH = 2048;
    static final int CREATOR_WIDTH = 1024;

    private static final ContentCodec JSON = ContentCodec.of(Serialization.JSON);

    /**
     * The row for a resource, in the order the JDBC store binds its columns: a missing type or attributes
     * that cannot be encoded fail as they do there, then the column rules fail with a {@link StoreException}.
     *
     * @param operation names the statement in the message ({@code insert}, {@code update})
     */
    static Row of(Resource resource, String operation) {
        int type = resource.type().code();
        Long expiry = expiry(resource.expirationTime());
        byte[] body = JSON.encode(resource.attributes());
        require(operation, "ri", resource.ri(), ID_WIDTH);
        require(operation, "pi", resource.parentId(), ID_WIDTH);
        require(operation, "rn", resource.name(), ID_WIDTH);
        require(operation, "path", resource.path(), PATH_WIDTH);
        if (resource.creator() != null) {
            require(operation, "creator", resource.creator(), CREATOR_WIDTH);
        }
        return new Row(
                resource.ri(),
                resource.parentId(),
                resource.name(),
                type,
                resource.path(),
                resource.seq(),
                expiry,
                resource.creator(),
                body);
    }

    private static Long expiry(String et) {
        return et == null
                ? null
                : Timestamps.parse(et).map(Instant::toEpochMilli).orElse(null);
    }

    private static void require(String operation, String column, String value, int width) {
        if (value == null) {
            throw new StoreException(operation + ": NULL not allowed for column " + column, null);
        }
        if (value.length() > width) {
            throw new StoreException(
                    operation + ": value too long for column " + column + " (" + value.length()
                            + " characters, at most " + width + ")",
                    null);
        }
    }

    /** A new resource decoded from the row. */
    @SuppressWarnings("unchecked")
    Resource toResource() {
        ResourceType resourceType =
                ResourceType.of(type).orElseThrow(() -> new StoreException("unknown resource type in store", null));
        return new Resource(
                ri, resourceType, parentId, name, path, seq, creator, (Map<String, Object>) JSON.decode(body));
    }

    /** How many '/' the path has: the depth that {@code descendants} limits. */
    static int depth(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}
