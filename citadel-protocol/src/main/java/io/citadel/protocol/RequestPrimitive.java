package io.citadel.protocol;

import java.time.Instant;
import java.util.List;

/**
 * A decoded oneM2M request primitive, independent of the binding it arrived on.
 *
 * @param to the target as received (CSE-relative, SP-relative or absolute, maybe with {@code #attr})
 * @param from the originator; null when absent (allowed only for CREATE of an AE)
 * @param resourceType {@code ty}, only for CREATE; null otherwise
 * @param content the Content parameter as a generic tree (Map/List/String/Number/Boolean); null if absent
 * @param resultContent {@code rcn}; null when absent
 * @param filterCriteria {@code fc}; null when absent
 * @param attributeList partial-retrieve attribute names ({@code atrl}); empty when absent
 * @param desiredIdResultType {@code drt}: 1 structured (default), 2 unstructured
 * @param requestExpiration {@code rqet}; null when absent
 * @param tokens {@code tkns}: compact JWS/JWE tokens (HTTP: the {@code Authorization} header)
 * @param localTokenIds {@code ltids}: IDs this CSE assigned to tokens it verified earlier
 * @param tokenRequestIndicator {@code tqi}: the originator can fetch tokens from a DAS itself
 * @param responseType {@code rt/rtv}: 1 nonBlockingRequestSynch, 2 nonBlockingRequestAsynch, 3 blocking
 *     (the default, also when null), 4 flexBlocking
 * @param responseTargets {@code rt/nu}: where an asynchronous result goes; null when absent (then: the
 *     originator), empty when no notification is wanted
 * @param handling {@code rset}, {@code oet} and {@code ec}; {@link Handling#NONE} when none is given
 */
public record RequestPrimitive(
        Operation operation,
        String to,
        String from,
        String requestId,
        String releaseVersion,
        Integer resourceType,
        Object content,
        Integer resultContent,
        FilterCriteria filterCriteria,
        List<String> attributeList,
        int desiredIdResultType,
        Instant requestExpiration,
        List<String> roleIds,
        List<String> tokens,
        List<String> tokenIds,
        String vendorInfo,
        List<String> localTokenIds,
        boolean tokenRequestIndicator,
        Integer responseType,
        List<String> responseTargets,
        Handling handling) {

    /**
     * How a request wants to be handled in time and priority.
     *
     * @param resultExpiration {@code rset}: a result produced later is useless (null: none)
     * @param operationExecution {@code oet}: when the operation is to be carried out (null: at once)
     * @param eventCategory {@code ec}: 2 immediate, 3 best effort, 4 latest, 100-999 user-defined (null: none)
     */
    public record Handling(Instant resultExpiration, Instant operationExecution, Integer eventCategory) {
        public static final Handling NONE = new Handling(null, null, null);

        /**
         * From the binding's text values (m2m:absRelTimestamp each, null when absent); 4000 naming the
         * binding's parameter ({@code rsetName}, {@code oetName}) when one is malformed.
         */
        public static Handling parse(
                String rset, String rsetName, String oet, String oetName, Integer ec, Instant now) {
            if (rset == null && oet == null && ec == null) {
                return NONE;
            }
            Instant resultExpiration = rset == null
                    ? null
                    : Timestamps.parseAbsRel(rset, now)
                            .orElseThrow(() -> OneM2mException.badRequest(rsetName + " is not an m2m:absRelTimestamp"));
            Instant execution = oet == null
                    ? null
                    : Timestamps.parseAbsRel(oet, now)
                            .orElseThrow(() -> OneM2mException.badRequest(oetName + " is not an m2m:absRelTimestamp"));
            return new Handling(resultExpiration, execution, ec);
        }
    }

    public RequestPrimitive {
        attributeList = attributeList == null ? List.of() : List.copyOf(attributeList);
        roleIds = roleIds == null ? List.of() : List.copyOf(roleIds);
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        tokenIds = tokenIds == null ? List.of() : List.copyOf(tokenIds);
        localTokenIds = localTokenIds == null ? List.of() : List.copyOf(localTokenIds);
        responseTargets = responseTargets == null ? null : List.copyOf(responseTargets);
        handling = handling == null ? Handling.NONE : handling;
    }

    /** True for nonBlockingRequestSynch and nonBlockingRequestAsynch. */
    public boolean isNonBlocking() {
        return responseType != null && (responseType == 1 || responseType == 2);
    }

    /** The same request to another target, with another originator and request ID, answered blocking. */
    public RequestPrimitive redirected(String newTo, String newFrom, String newRequestId) {
        return new RequestPrimitive(
                operation,
                newTo,
                newFrom,
                newRequestId,
                releaseVersion,
                resourceType,
                content,
                resultContent,
                filterCriteria,
                attributeList,
                desiredIdResultType,
                requestExpiration,
                roleIds,
                tokens,
                tokenIds,
                vendorInfo,
                localTokenIds,
                tokenRequestIndicator,
                null,
                null,
                handling);
    }

    public boolean isDiscovery() {
        return operation == Operation.RETRIEVE && filterCriteria != null && filterCriteria.isDiscovery();
    }

    public static Builder builder(Operation operation, String to) {
        return new Builder(operation, to);
    }

    /** Mutable builder; bindings fill it while decoding. */
    public static final class Builder {
        private final Operation operation;
        private final String to;
        private String from;
        private String requestId;
        private String releaseVersion;
        private Integer resourceType;
        private Object content;
        private Integer resultContent;
        private FilterCriteria filterCriteria;
        private List<String> attributeList = List.of();
        private int desiredIdResultType = 1;
        private Instant requestExpiration;
        private List<String> roleIds = List.of();
        private List<String> tokens = List.of();
        private List<String> tokenIds = List.of();
        private String vendorInfo;
        private List<String> localTokenIds = List.of();
        private boolean tokenRequestIndicator;
        private Integer responseType;
        private List<String> responseTargets;
        private Handling handling = Handling.NONE;

        private Builder(Operation operation, String to) {
            this.operation = operation;
            this.to = to;
        }

        public Builder from(String v) {
            this.from = v;
            return this;
        }

        public Builder requestId(String v) {
            this.requestId = v;
            return this;
        }

        public Builder releaseVersion(String v) {
            this.releaseVersion = v;
            return this;
        }

        public Builder resourceType(Integer v) {
            this.resourceType = v;
            return this;
        }

        public Builder content(Object v) {
            this.content = v;
            return this;
        }

        public Builder resultContent(Integer v) {
            this.resultContent = v;
            return this;
        }

        public Builder filterCriteria(FilterCriteria v) {
            this.filterCriteria = v;
            return this;
        }

        public Builder attributeList(List<String> v) {
            this.attributeList = v;
            return this;
        }

        public Builder desiredIdResultType(int v) {
            this.desiredIdResultType = v;
            return this;
        }

        public Builder requestExpiration(Instant v) {
            this.requestExpiration = v;
            return this;
        }

        public Builder roleIds(List<String> v) {
            this.roleIds = v;
            return this;
        }

        public Builder tokens(List<String> v) {
            this.tokens = v;
            return this;
        }

        public Builder tokenIds(List<String> v) {
            this.tokenIds = v;
            return this;
        }

        public Builder vendorInfo(String v) {
            this.vendorInfo = v;
            return this;
        }

        public Builder localTokenIds(List<String> v) {
            this.localTokenIds = v;
            return this;
        }

        public Builder tokenRequestIndicator(boolean v) {
            this.tokenRequestIndicator = v;
            return this;
        }

        public Builder responseType(Integer v) {
            this.responseType = v;
            return this;
        }

        public Builder responseTargets(List<String> v) {
            this.responseTargets = v;
            return this;
        }

        public Builder handling(Handling v) {
            this.handling = v;
            return this;
        }

        public RequestPrimitive build() {
            return new RequestPrimitive(
                    operation,
                    to,
                    from,
                    requestId,
                    releaseVersion,
                    resourceType,
                    content,
                    resultContent,
                    filterCriteria,
                    attributeList,
                    desiredIdResultType,
                    requestExpiration,
                    roleIds,
                    tokens,
                    tokenIds,
                    vendorInfo,
                    localTokenIds,
                    tokenRequestIndicator,
                    responseType,
                    responseTargets,
                    handling);
        }
    }
}
