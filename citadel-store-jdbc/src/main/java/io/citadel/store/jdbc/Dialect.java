package io.citadel.store.jdbc;

import java.util.List;

/** The differences between the databases Citadel stores into. Same tables, same migrations otherwise. */
public enum Dialect {
    H2("CHARACTER VARYING", "", "CHECKPOINT", "CHECKPOINT SYNC"),
    POSTGRESQL("TEXT", " COLLATE \"C\"", null, null);

    private final String textType;
    private final String binaryCollation;
    private final String flushStatement;
    private final String syncStatement;

    Dialect(String textType, String binaryCollation, String flushStatement, String syncStatement) {
        this.textType = textType;
        this.binaryCollation = binaryCollation;
        this.flushStatement = flushStatement;
        this.syncStatement = syncStatement;
    }

    public static Dialect ofUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (H2 and PostgreSQL are supported)");
    }

    /**
     * The statement that makes a commit reach the database file (H2 keeps commits in memory for up to
     * WRITE_DELAY otherwise), or the one that also forces it to the device; null when commit already does.
     */
    String flushAfterCommit(boolean sync) {
        return sync ? syncStatement : flushStatement;
    }

    /** Ordered migrations; each runs once, recorded in citadel_schema. */
    List<String> migrations() {
        return List.of(
                "CREATE TABLE resources ("
                        + " ri VARCHAR(255) NOT NULL PRIMARY KEY,"
                        + " pi VARCHAR(255) NOT NULL,"
                        + " rn VARCHAR(255) NOT NULL,"
                        + " ty INTEGER NOT NULL,"
                        + " path VARCHAR(2048)" + binaryCollation + " NOT NULL,"
                        + " seq BIGINT NOT NULL,"
                        + " et BIGINT,"
                        + " creator VARCHAR(1024),"
                        + " body " + textType + " NOT NULL)",
                "CREATE UNIQUE INDEX resources_path ON resources (path)",
                "CREATE INDEX resources_children ON resources (pi, ty, seq)",
                "CREATE INDEX resources_parent_seq ON resources (pi, seq)",
                "CREATE INDEX resources_expiry ON resources (et)",
                "CREATE INDEX resources_type ON resources (ty, seq)",
                // issue 18: a data subject's resources, and who accessed them
                "CREATE INDEX resources_creator ON resources (creator, seq)",
                "CREATE TABLE subject_access ("
                        + " id BIGINT NOT NULL PRIMARY KEY,"
                        + " subject VARCHAR(1024) NOT NULL,"
                        + " accessor VARCHAR(1024) NOT NULL,"
                        + " target VARCHAR(255) NOT NULL,"
                        + " op VARCHAR(16) NOT NULL,"
                        + " permitted BOOLEAN NOT NULL,"
                        + " loa INTEGER,"
                        + " at BIGINT NOT NULL)",
                "CREATE INDEX subject_access_subject ON subject_access (subject, id)",
                "CREATE INDEX subject_access_at ON subject_access (at)",
                // the ID of the subject key file this database's rows are encrypted with: another file is refused
                "CREATE TABLE subject_key_file (id VARCHAR(64) NOT NULL PRIMARY KEY)");
    }
}
