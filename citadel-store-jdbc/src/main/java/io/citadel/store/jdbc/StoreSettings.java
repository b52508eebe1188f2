package io.citadel.store.jdbc;

/**
 * How to reach the database.
 *
 * @param password may be null (H2 embedded, PostgreSQL trust/peer auth); never logged
 * @param readConnections connections kept for concurrent reads
 * @param syncCommits also force each group commit to the storage device (power-loss durability)
 */
public record StoreSettings(
        String jdbcUrl,
        String user,
        String password,
        int readConnections,
        boolean syncCommits,
        java.nio.file.Path subjectKeys) {

    /** Settings without subject keys: bodies are stored in clear. */
    public StoreSettings(String jdbcUrl, String user, String password, int readConnections, boolean syncCommits) {
        this(jdbcUrl, user, password, readConnections, syncCommits, null);
    }

    /**
     * These settings with the data subjects' content keys in {@code file} (0600): every row's body is encrypted under
     * its subjects' keys, so that erasing a subject destroys its data at rest.
     */
    public StoreSettings withSubjectKeys(java.nio.file.Path file) {
        return new StoreSettings(jdbcUrl, user, password, readConnections, syncCommits, file);
    }

    public StoreSettings {
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1");
        }
        Dialect.ofUrl(jdbcUrl);
    }

    /**
     * The embedded default: an H2 file database in {@code dataDir}. H2 writes no trace file of its own
     * ({@code TRACE_LEVEL_FILE=0}): database errors reach Citadel's JSON log as exceptions.
     */
    public static StoreSettings embedded(java.nio.file.Path dataDir, boolean syncCommits) {
        return new StoreSettings(
                "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("citadel")
                        + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;TRACE_LEVEL_FILE=0",
                "citadel",
                null,
                8,
                syncCommits);
    }

    @Override
    public String toString() {
        return "StoreSettings[" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "****")
                + "]";
    }
}
