package io.citadel.store.jdbc;

import io.citadel.engine.resources.Resource;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps resources to rows and back. The body column holds the attributes as JSON, encrypted under the data subjects'
 * keys when the store has them ({@link SubjectCipher}).
 */
final class Rows {
    static final String COLUMNS = "ri, pi, rn, ty, path, seq, et, creator, body";
    private static final ContentCodec JSON = ContentCodec.of(Serialization.JSON);

    private final SubjectCipher cipher;

    /** @param cipher the subjects' content encryption, or null to store bodies in clear */
    Rows(SubjectCipher cipher) {
        this.cipher = cipher;
    }

    SubjectCipher cipher() {
        return cipher;
    }

    /** The resource of the current row, or null for a row of an erased data subject (noted for deletion). */
    @SuppressWarnings("unchecked")
    Resource read(ResultSet rs) throws SQLException {
        ResourceType type =
                ResourceType.of(rs.getInt(4)).orElseThrow(() -> new SQLException("unknown resource type in store"));
        String body;
        try {
            body = cipher == null ? rs.getString(9) : cipher.open(rs.getString(1), rs.getString(9));
        } catch (SubjectCipher.ErasedRow erased) {
            cipher.sawErased(rs.getString(1), rs.getString(5));
            return null;
        }
        Map<String, Object> attrs = (Map<String, Object>) JSON.decode(body.getBytes(StandardCharsets.UTF_8));
        return new Resource(
                rs.getString(1),
                type,
                rs.getString(2),
                rs.getString(3),
                rs.getString(5),
                rs.getLong(6),
                rs.getString(8),
                attrs);
    }

    /** Binds the columns in {@link #COLUMNS} order starting at index 1. */
    /**
     * @param aeAtPath the resource ID of the {@code <AE>} at a path, as the writer sees the database (null: none), for
     *     the key of a row under it
     */
    void bindAll(PreparedStatement ps, Resource r, java.util.function.Function<String, String> aeAtPath)
            throws SQLException {
        ps.setString(1, r.ri());
        ps.setString(2, r.parentId());
        ps.setString(3, r.name());
        ps.setInt(4, r.type().code());
        ps.setString(5, r.path());
        ps.setLong(6, r.seq());
        Long et = expiry(r);
        if (et == null) {
            ps.setNull(7, Types.BIGINT);
        } else {
            ps.setLong(7, et);
        }
        ps.setString(8, r.creator());
        String json = new String(JSON.encode(r.attributes()), StandardCharsets.UTF_8);
        ps.setString(9, cipher == null ? json : cipher.seal(r, json, aeAtPath));
    }

    Optional<Resource> one(PreparedStatement ps, String key) throws SQLException {
        ps.setString(1, key);
        return first(ps);
    }

    /** The first readable row (a row of an erased subject reads as absent). */
    Optional<Resource> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(read(rs)) : Optional.empty();
        }
    }

    /** The readable rows (those of erased subjects left out). */
    List<Resource> all(PreparedStatement ps) throws SQLException {
        List<Resource> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Resource r = read(rs);
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    static Long expiry(Resource r) {
        String et = r.expirationTime();
        return et == null
                ? null
                : Timestamps.parse(et).map(java.time.Instant::toEpochMilli).orElse(null);
    }
}
