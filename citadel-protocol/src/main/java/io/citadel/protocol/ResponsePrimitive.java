package io.citadel.protocol;

import java.util.Map;

/**
 * A response primitive.
 *
 * @param content the Content parameter as a generic tree, or null
 * @param contentLocation structured or unstructured address of a created resource, or null
 */
public record ResponsePrimitive(ResponseStatusCode status, String requestId, String releaseVersion,
                                Object content, String contentLocation) {

    public static ResponsePrimitive of(ResponseStatusCode status, RequestPrimitive request, Object content) {
        return new ResponsePrimitive(status, request.requestId(), request.releaseVersion(), content, null);
    }

    /** An error response carrying {@code m2m:dbg}. */
    public static ResponsePrimitive error(ResponseStatusCode status, String requestId, String releaseVersion,
                                          String message) {
        return new ResponsePrimitive(status, requestId, releaseVersion, Map.of("m2m:dbg", message), null);
    }

    public ResponsePrimitive withContentLocation(String location) {
        return new ResponsePrimitive(status, requestId, releaseVersion, content, location);
    }
}
