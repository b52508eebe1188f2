package io.citadel.protocol;

import java.util.Map;

/**
 * A response primitive.
 *
 * @param content the Content parameter as a generic tree, or null
 * @param contentLocation structured or unstructured address of a created resource, or null
 * @param assignedTokenIds {@code ati}: local token ID → token ID for tokens verified by this request
 */
public record ResponsePrimitive(
        ResponseStatusCode status,
        String requestId,
        String releaseVersion,
        Object content,
        String contentLocation,
        Map<String, String> assignedTokenIds) {

    public ResponsePrimitive {
        assignedTokenIds = assignedTokenIds == null ? Map.of() : Map.copyOf(assignedTokenIds);
    }

    public static ResponsePrimitive of(ResponseStatusCode status, RequestPrimitive request, Object content) {
        return new ResponsePrimitive(status, request.requestId(), request.releaseVersion(), content, null, null);
    }

    /** An error response carrying {@code m2m:dbg}. */
    public static ResponsePrimitive error(
            ResponseStatusCode status, String requestId, String releaseVersion, String message) {
        return new ResponsePrimitive(status, requestId, releaseVersion, Map.of("m2m:dbg", message), null, null);
    }

    /** An error response with a content other than {@code m2m:dbg} (e.g. Token Request Information). */
    public static ResponsePrimitive error(
            ResponseStatusCode status, String requestId, String releaseVersion, Object content) {
        return new ResponsePrimitive(status, requestId, releaseVersion, content, null, null);
    }

    public ResponsePrimitive withContentLocation(String location) {
        return new ResponsePrimitive(status, requestId, releaseVersion, content, location, assignedTokenIds);
    }

    public ResponsePrimitive withAssignedTokenIds(Map<String, String> ati) {
        return new ResponsePrimitive(status, requestId, releaseVersion, content, contentLocation, ati);
    }
}
