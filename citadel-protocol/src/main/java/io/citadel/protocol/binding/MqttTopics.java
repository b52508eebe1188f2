package io.citadel.protocol.binding;

import io.citadel.protocol.codec.Serialization;
import java.util.Locale;
import java.util.Optional;

/**
 * oneM2M MQTT topics (TS-0010 §6.4): {@code /oneM2M/req/<originator>/<receiver>/<json|xml|cbor>},
 * {@code /oneM2M/resp/...}, {@code /oneM2M/reg_req/<Credential-ID>/<receiver>/...}. IDs appear without
 * their leading {@code /} and with every other {@code /} turned into {@code :}.
 */
public final class MqttTopics {
    private MqttTopics() {}

    /** A parsed request or response topic. */
    public record Topic(String kind, String originator, String receiver, Serialization serialization) {}

    /** {@code /id-in/Cae1} → {@code id-in:Cae1}; {@code //sp/id-in} → {@code :sp:id-in}; {@code Cae1} stays. */
    public static String idToTopic(String id) {
        String s = id.startsWith("//") ? id.substring(1) : id.startsWith("/") ? id.substring(1) : id;
        return s.replace('/', ':');
    }

    /** The inverse of {@link #idToTopic}. */
    public static String topicToId(String level) {
        if (level.startsWith(":")) {
            return "/" + level.replace(':', '/');
        }
        return level.indexOf(':') >= 0 ? "/" + level.replace(':', '/') : level;
    }

    public static String suffix(Serialization s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    public static String topic(String kind, String originator, String receiver, Serialization s) {
        return "/oneM2M/" + kind + "/" + originator + "/" + receiver + "/" + suffix(s);
    }

    /** Parses {@code /oneM2M/<kind>/<originator>/<receiver>/<serialization>}; empty when it is not one. */
    public static Optional<Topic> parse(String topic) {
        String[] p = topic.split("/", -1);
        if (p.length != 6 || !p[0].isEmpty() || !p[1].equals("oneM2M") || p[3].isEmpty() || p[4].isEmpty()) {
            return Optional.empty();
        }
        Serialization s = switch (p[5]) {
            case "json" -> Serialization.JSON;
            case "xml" -> Serialization.XML;
            case "cbor" -> Serialization.CBOR;
            default -> null;
        };
        if (s == null
                || !(p[2].equals("req") || p[2].equals("resp") || p[2].equals("reg_req") || p[2].equals("reg_resp"))) {
            return Optional.empty();
        }
        return Optional.of(new Topic(p[2], p[3], p[4], s));
    }
}
