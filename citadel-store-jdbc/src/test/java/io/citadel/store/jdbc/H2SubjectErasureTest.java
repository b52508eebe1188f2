package io.citadel.store.jdbc;

/** Erasure at rest on the embedded H2 file database. */
class H2SubjectErasureTest extends SubjectErasureContract.H2 {}
