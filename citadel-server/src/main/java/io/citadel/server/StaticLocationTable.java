package io.citadel.server;

import io.citadel.security.GeoLocation;
import io.citadel.security.IpPrefix;
import io.citadel.security.LocationSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A location source for {@code aclr} from an operator's table of network blocks: lines of
 * {@code CIDR<TAB>latitude<TAB>longitude<TAB>country}, {@code -} for unknown, {@code #} comments. The first
 * matching block wins; a peer in no block has an unknown location (the rule is FALSE).
 */
final class StaticLocationTable implements LocationSource {
    private record Entry(IpPrefix block, GeoLocation location) {}

    private final List<Entry> entries;

    private StaticLocationTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    static StaticLocationTable load(Path file) {
        List<Entry> entries = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 4) {
                    throw new IllegalArgumentException(
                            file + ":" + n + ": expected CIDR, latitude, longitude, country");
                }
                try {
                    IpPrefix block = IpPrefix.parse(f[0].trim(), f[0].contains(":"));
                    Double lat = f[1].trim().equals("-") ? null : Double.valueOf(f[1].trim());
                    Double lon = f[2].trim().equals("-") ? null : Double.valueOf(f[2].trim());
                    String cc = f[3].trim().equals("-") ? null : f[3].trim().toUpperCase(java.util.Locale.ROOT);
                    entries.add(new Entry(block, new GeoLocation(lat, lon, cc)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + n + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --location-table " + file);
        }
        return new StaticLocationTable(entries);
    }

    @Override
    public Optional<GeoLocation> locate(String originator, String peerAddress) {
        Optional<byte[]> peer = IpPrefix.parseAddress(peerAddress);
        if (peer.isEmpty()) {
            return Optional.empty();
        }
        for (Entry e : entries) {
            if (e.block().contains(peer.get())) {
                return Optional.of(e.location());
            }
        }
        return Optional.empty();
    }
}
