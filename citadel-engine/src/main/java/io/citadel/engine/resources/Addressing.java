package io.citadel.engine.resources;

import io.citadel.engine.CseSettings;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResourceType;
import java.util.Optional;

/**
 * Resolves {@code To} (CSE-relative, SP-relative or absolute; structured, unstructured or hybrid;
 * {@code -} for the CSEBase name; {@code #attr} suffix) to a resource of this CSE (TS-0004 §7.3.2.8).
 */
public final class Addressing {
    private final CseSettings settings;
    private final ResourceRepository repository;

    public Addressing(CseSettings settings, ResourceRepository repository) {
        this.settings = settings;
        this.repository = repository;
    }

    public Target resolve(String to) {
        if (to == null || to.isEmpty()) {
            throw OneM2mException.badRequest("'To' is missing");
        }
        if (to.length() > 4096) {
            throw OneM2mException.badRequest("'To' is too long");
        }
        String attribute = null;
        int hash = to.indexOf('#');
        String address = to;
        if (hash >= 0) {
            attribute = to.substring(hash + 1);
            address = to.substring(0, hash);
            if (!attribute.matches("[A-Za-z][A-Za-z0-9]{0,31}")) {
                throw OneM2mException.badRequest("'#" + attribute + "' is not an attribute name");
            }
        }
        String relative = cseRelative(address);
        int fopt = relative.indexOf("/fopt");
        if (fopt > 0 && (relative.length() == fopt + 5 || relative.charAt(fopt + 5) == '/')) {
            Target group = resolveRelative(relative.substring(0, fopt));
            if (group.virtual() == Target.Virtual.NONE && group.resource().type() == ResourceType.GROUP) {
                String rest = relative.length() == fopt + 5 ? "" : relative.substring(fopt + 6);
                if (!rest.isEmpty()) {
                    resolveSegments(rest);
                }
                return new Target(group.resource(), Target.Virtual.FAN_OUT, attribute, rest);
            }
        }
        Target target = resolveRelative(relative);
        return attribute == null ? target : new Target(target.resource(), target.virtual(), attribute);
    }

    /** Strips an SP-relative or absolute prefix naming this CSE; refuses other CSEs. */
    private String cseRelative(String address) {
        String rest = address;
        if (rest.startsWith("//")) {
            String sp = settings.spId().substring(2);
            if (!rest.startsWith("//" + sp + "/")) {
                throw new OneM2mException(
                        io.citadel.protocol.ResponseStatusCode.NOT_FOUND,
                        "target is in another service provider domain; forwarding is not supported");
            }
            rest = rest.substring(1 + sp.length() + 1);
        }
        if (rest.startsWith("/")) {
            String own = settings.cseId();
            if (rest.equals(own) || rest.equals(own + "/")) {
                return settings.cseName();
            }
            if (!rest.startsWith(own + "/")) {
                throw OneM2mException.notFound(
                        "target CSE " + firstSegment(rest) + " is unknown here; forwarding is not supported");
            }
            rest = rest.substring(own.length() + 1);
        }
        return rest;
    }

    private static String firstSegment(String spRelative) {
        int slash = spRelative.indexOf('/', 1);
        return slash < 0 ? spRelative : spRelative.substring(0, slash);
    }

    /** Checks the segments of a relative path; returns them. */
    private static String[] resolveSegments(String relative) {
        String[] segments = relative.split("/", -1);
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw OneM2mException.badRequest("'To' has an empty, '.' or '..' segment");
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c <= 0x20 || c == 0x7f || c == '%' || c == '\\' || c == '?') {
                    throw OneM2mException.badRequest("'To' contains a character not allowed in an identifier");
                }
            }
        }
        return segments;
    }

    private Target resolveRelative(String relative) {
        String[] segments = resolveSegments(relative);
        Resource base;
        int next;
        if (segments[0].equals(settings.cseName()) || segments[0].equals("-")) {
            base = repository
                    .findByPath(settings.cseName())
                    .orElseThrow(() -> OneM2mException.notFound("CSEBase missing"));
            next = 1;
        } else {
            base = repository
                    .findById(segments[0])
                    .orElseThrow(() -> OneM2mException.notFound("no resource '" + segments[0] + "'"));
            next = 1;
        }
        if (next == segments.length) {
            return new Target(base, Target.Virtual.NONE, null);
        }
        StringBuilder parentPath = new StringBuilder(base.path());
        for (int i = next; i < segments.length - 1; i++) {
            parentPath.append('/').append(segments[i]);
        }
        String last = segments[segments.length - 1];
        if (isVirtual(last)) {
            Optional<Resource> parent = parentPath.length() == base.path().length()
                    ? Optional.of(base)
                    : repository.findByPath(parentPath.toString());
            if (parent.isPresent() && parent.get().type() == ResourceType.CONTAINER && !last.equals("pcu")) {
                return new Target(
                        parent.get(), last.equals("la") ? Target.Virtual.LATEST : Target.Virtual.OLDEST, null);
            }
            if (parent.isPresent() && parent.get().type() == ResourceType.POLLING_CHANNEL && last.equals("pcu")) {
                return new Target(parent.get(), Target.Virtual.POLLING, null);
            }
        }
        if (last.equals(io.citadel.engine.privacy.DataSubjects.ACCESS_LOG)) {
            Optional<Resource> parent = parentPath.length() == base.path().length()
                    ? Optional.of(base)
                    : repository.findByPath(parentPath.toString());
            if (parent.isPresent() && parent.get().type() == ResourceType.AE) {
                return new Target(parent.get(), Target.Virtual.ACCESS_LOG, null);
            }
        }
        Resource found = repository
                .findByPath(parentPath + "/" + last)
                .orElseThrow(() -> OneM2mException.notFound("no resource '" + relative + "'"));
        return new Target(found, Target.Virtual.NONE, null);
    }

    public static boolean isVirtual(String name) {
        return name.equals("la") || name.equals("ol") || name.equals("fopt") || name.equals("pcu");
    }
}
