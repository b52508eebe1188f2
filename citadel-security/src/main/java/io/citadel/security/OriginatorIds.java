package io.citadel.security;

/**
 * Normalises originator IDs and {@code acor} entries to one comparable form: SP-relative
 * ({@code /cse-id/Cxyz}, {@code /Sxyz}, {@code /cse-id}) for this SP, absolute ({@code //sp/...}) for
 * others. An AE-ID-Stem {@code Cxyz} from an AE registered here becomes {@code /<own-cse-id>/Cxyz}.
 *
 * @param cseId this CSE's SP-relative CSE-ID, e.g. {@code /id-in}
 * @param spId this CSE's M2M-SP-ID, e.g. {@code //citadel.example}
 */
public record OriginatorIds(String cseId, String spId) {

    public OriginatorIds {
        if (!cseId.startsWith("/") || cseId.startsWith("//") || !spId.startsWith("//")) {
            throw new IllegalArgumentException("cseId must be SP-relative and spId must start with //");
        }
    }

    /**
     * Normalises an originator (or acor entry); {@code all}, Role-IDs ({@code x@issuer}) and empty strings
     * are returned unchanged.
     */
    public String normalize(String id) {
        if (id == null || id.isEmpty() || id.equals("all") || id.indexOf('@') >= 0) { // Role-IDs stay as they are
            return id;
        }
        if (id.startsWith(spId + "/")) {
            return id.substring(spId.length());
        }
        if (id.startsWith("//") || id.startsWith("/")) {
            return id;
        }
        if (id.startsWith("S")) {
            return "/" + id;
        }
        return cseId + "/" + id;
    }

    /** The AE-ID-Stem of one of this CSE's AE-IDs ({@code /cse/Cx}, {@code /Sx}, normalised); null for any other ID. */
    public String ownStem(String normalized) {
        String prefix = cseId + "/";
        String stem = normalized.startsWith(prefix)
                ? normalized.substring(prefix.length())
                : normalized.startsWith("/S") ? normalized.substring(1) : null;
        return stem == null || stem.isEmpty() || stem.contains("/") ? null : stem;
    }

    /** The absolute form ({@code //sp/...}) of a normalised ID, as sent to other CSEs and servers. */
    public String absolute(String normalized) {
        return normalized.startsWith("//") ? normalized : spId + normalized;
    }
}
