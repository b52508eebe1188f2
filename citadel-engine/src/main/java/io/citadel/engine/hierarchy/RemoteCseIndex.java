package io.citadel.engine.hierarchy;

import io.citadel.engine.resources.Resource;
import io.citadel.engine.store.ChangeListener;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code <remoteCSE>} resources of this CSE (its registrees and its registrar) by CSE-ID, kept exact
 * from commit notifications; the routing table of forwarding: a target CSE that is a registree, or below
 * one ({@code dcse}), is reached through it; anything else goes up to the registrar.
 */
public final class RemoteCseIndex implements ChangeListener, Routes {
    private final Map<String, Resource> byCseId = new ConcurrentHashMap<>();
    private volatile String registrarCseId;

    public void load(ResourceStore store) {
        byCseId.clear();
        for (Resource r : store.ofType(ResourceType.REMOTE_CSE.code(), 100_000)) {
            put(r);
        }
    }

    /** Declares which remote CSE is this CSE's registrar (the default route). */
    public void registrar(String cseId) {
        this.registrarCseId = cseId;
    }

    public Optional<String> registrar() {
        return Optional.ofNullable(registrarCseId);
    }

    public Optional<Resource> byCseId(String cseId) {
        return Optional.ofNullable(byCseId.get(cseId));
    }

    /** The remote CSE through which {@code targetCse} is reached, if any. */
    Optional<Resource> nextHop(String targetCse) {
        Resource direct = byCseId.get(targetCse);
        if (direct != null) {
            return Optional.of(direct);
        }
        for (Resource r : byCseId.values()) {
            if (r.get("dcse") instanceof List<?> dcse
                    && dcse.contains(targetCse)
                    && !r.get("csi").equals(registrarCseId)) {
                return Optional.of(r);
            }
        }
        return registrarCseId == null ? Optional.empty() : Optional.ofNullable(byCseId.get(registrarCseId));
    }

    /** The CSE-IDs of the registrees and all CSEs below them: this CSE's {@code dcse} towards its registrar. */
    public List<String> descendants() {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (Resource r : byCseId.values()) {
            String csi = r.getString("csi");
            if (csi == null || csi.equals(registrarCseId)) {
                continue;
            }
            out.add(csi);
            if (r.get("dcse") instanceof List<?> dcse) {
                dcse.forEach(d -> out.add(String.valueOf(d)));
            }
        }
        return List.copyOf(out);
    }

    /** True when {@code originator} (normalised) belongs to the subtree behind registree {@code cse}. */
    public boolean isBehind(String cse, String originator) {
        if (originator.equals(cse) || originator.startsWith(cse + "/")) {
            return true;
        }
        Resource r = byCseId.get(cse);
        if (r == null || !(r.get("dcse") instanceof List<?> dcse)) {
            return false;
        }
        for (Object d : dcse) {
            if (originator.equals(d) || originator.startsWith(d + "/")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<Hop> nextHopFor(String to) {
        String cse = targetCse(to);
        return cse == null
                ? Optional.empty()
                : nextHop(cse).flatMap(r -> pointOfAccess(r).map(poa -> new Hop(r.getString("csi"), poa)));
    }

    static Optional<String> pointOfAccess(Resource remoteCse) {
        return EntityDelivery.pointOfAccess(remoteCse);
    }

    /** The SP-relative CSE-ID an SP-relative or absolute ID starts with; null for other forms. */
    static String targetCse(String to) {
        String rest = to;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            if (slash < 0) {
                return null;
            }
            rest = rest.substring(slash);
        }
        if (!rest.startsWith("/") || rest.length() < 2) {
            return null;
        }
        int end = rest.indexOf('/', 1);
        return end < 0 ? rest : rest.substring(0, end);
    }

    @Override
    public void committed(List<Change> changes) {
        for (Change change : changes) {
            Resource r = change.resource();
            if (r.type() == ResourceType.REMOTE_CSE) {
                if (change.deleted()) {
                    byCseId.remove(r.getString("csi"), r);
                    byCseId.values().removeIf(x -> x.ri().equals(r.ri()));
                } else {
                    put(r);
                }
            } else if (r.type() == ResourceType.CSE_BASE && change.deleted()) {
                byCseId.clear();
            }
        }
    }

    public void clear() {
        byCseId.clear();
    }

    private void put(Resource r) {
        String csi = r.getString("csi");
        if (csi != null) {
            byCseId.put(csi, r);
        }
    }
}
