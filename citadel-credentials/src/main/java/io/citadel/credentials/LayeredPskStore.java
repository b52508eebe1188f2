package io.citadel.credentials;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Several key stores read as one, in order: an identity is what the first store that vouches for it says. The
 * layers are meant to hold disjoint identities (e.g. keys an operator added, keys a service assigned at random). Writes go to the store that owns the keys, not through here: {@link #put} is
 * refused; {@link #revoke} removes the identity wherever it is. Listeners hear every layer.
 */
public final class LayeredPskStore implements PskStore {
    private final List<PskStore> layers;

    public LayeredPskStore(List<PskStore> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a layered store needs a layer");
        }
        this.layers = List.copyOf(layers);
    }

    @Override
    public Optional<PskCredential> lookup(String identity, Instant now) {
        for (PskStore s : layers) {
            Optional<PskCredential> c = s.lookup(identity, now);
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> key(String identity, Instant now) {
        for (PskStore s : layers) {
            if (s.lookup(identity, now).isPresent()) {
                return s.key(identity, now);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> unusable(String identity) {
        for (PskStore s : layers) {
            Optional<String> why = s.unusable(identity);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    @Override
    public void put(PskCredential credential, byte[] key) {
        throw new UnsupportedOperationException("keys are added to the layer that owns them");
    }

    @Override
    public boolean revoke(String identity) {
        boolean any = false;
        for (PskStore s : layers) {
            any |= s.revoke(identity);
        }
        return any;
    }

    @Override
    public List<PskCredential> list() {
        List<PskCredential> all = new ArrayList<>();
        for (PskStore s : layers) {
            for (PskCredential c : s.list()) {
                if (all.stream().noneMatch(a -> a.identity().equals(c.identity()))) {
                    all.add(c);
                }
            }
        }
        return all;
    }

    @Override
    public void addListener(CredentialListener listener) {
        layers.forEach(s -> s.addListener(listener));
    }

    @Override
    public void removeListener(CredentialListener listener) {
        layers.forEach(s -> s.removeListener(listener));
    }
}
