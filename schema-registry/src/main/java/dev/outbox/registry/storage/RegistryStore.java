package dev.outbox.registry.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * All SQL of the registry (tables in {@code db/migration}). Writes are expected to run inside
 * {@link Transactions#write}, after {@link #lockSubject} for writes to a subject.
 */
@Repository
public class RegistryStore {

    /** The scope key of global settings in the config and mode tables. */
    public static final String GLOBAL = "";

    private static final String VERSION_COLUMNS = "subject, version, schema_id, deleted";

    private final JdbcClient jdbc;

    public RegistryStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    // ---------------------------------------------------------------------------------------------------------
    // schemas by content

    public Optional<Integer> findSchemaId(byte[] fingerprint) {
        return jdbc.sql("SELECT id FROM schema_content WHERE fingerprint = ?").param(fingerprint)
                .query(Integer.class).optional();
    }

    public Optional<byte[]> fingerprintOf(int id) {
        return jdbc.sql("SELECT fingerprint FROM schema_content WHERE id = ?").param(id)
                .query((rs, n) -> rs.getBytes(1)).optional();
    }

    /** Inserts new content and returns its generated id; a concurrent insert of the same content fails on the key. */
    public int insertSchema(byte[] fingerprint, String schemaType, String schemaText) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO schema_content (fingerprint, schema_type, schema_text) VALUES (?, ?, ?)")
                .params(fingerprint, schemaType, schemaText).update(keys);
        return keys.getKeyAs(Number.class).intValue();
    }

    /** IMPORT mode: content under an id chosen by the caller (the next generated id then follows the largest). */
    public void insertSchemaWithId(int id, byte[] fingerprint, String schemaType, String schemaText) {
        jdbc.sql("INSERT INTO schema_content (id, fingerprint, schema_type, schema_text) VALUES (?, ?, ?, ?)")
                .params(id, fingerprint, schemaType, schemaText).update();
    }

    public void insertReferences(int schemaId, List<SchemaReference> references) {
        for (int i = 0; i < references.size(); i++) {
            SchemaReference r = references.get(i);
            jdbc.sql("INSERT INTO schema_reference (schema_id, position, name, subject, version) VALUES (?, ?, ?, ?, ?)")
                    .params(schemaId, i, r.name(), r.subject(), r.version()).update();
        }
    }

    public Optional<StoredSchema> findSchema(int id) {
        return jdbc.sql("SELECT schema_type, schema_text FROM schema_content WHERE id = ?").param(id)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).optional()
                .map(row -> new StoredSchema(id, row[0], row[1], references(id)));
    }

    public List<SchemaReference> references(int schemaId) {
        return jdbc.sql("SELECT name, subject, version FROM schema_reference WHERE schema_id = ? ORDER BY position")
                .param(schemaId)
                .query((rs, n) -> new SchemaReference(rs.getString(1), rs.getString(2), rs.getInt(3))).list();
    }

    /** Ids of schemas that name the given subject version as a reference and are still registered somewhere. */
    public List<Integer> schemasReferencing(String subject, int version) {
        return jdbc.sql("""
                        SELECT DISTINCT r.schema_id FROM schema_reference r
                        WHERE r.subject = ? AND r.version = ?
                          AND EXISTS (SELECT 1 FROM subject_version v WHERE v.schema_id = r.schema_id)
                        ORDER BY r.schema_id""")
                .params(subject, version).query(Integer.class).list();
    }

    public int maxSchemaId() {
        return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM schema_content").query(Integer.class).single();
    }

    // ---------------------------------------------------------------------------------------------------------
    // subjects and their versions

    /**
     * Creates the subject's row if needed and locks it until the transaction ends: concurrent writers to the same
     * subject, in this instance or another, queue here.
     */
    public void lockSubject(String subject) {
        jdbc.sql("INSERT INTO subject (name) VALUES (?) ON DUPLICATE KEY UPDATE name = name").param(subject).update();
        jdbc.sql("SELECT name FROM subject WHERE name = ? FOR UPDATE").param(subject).query(String.class).single();
    }

    /** All versions of a subject, soft-deleted ones included, oldest first. */
    public List<StoredVersion> versions(String subject) {
        return jdbc.sql("SELECT " + VERSION_COLUMNS + " FROM subject_version WHERE subject = ? ORDER BY version")
                .param(subject).query(RegistryStore::version).list();
    }

    public Optional<StoredVersion> version(String subject, int version) {
        return jdbc.sql("SELECT " + VERSION_COLUMNS + " FROM subject_version WHERE subject = ? AND version = ?")
                .params(subject, version).query(RegistryStore::version).optional();
    }

    public Optional<StoredVersion> latestLiveVersion(String subject) {
        return jdbc.sql("SELECT " + VERSION_COLUMNS + " FROM subject_version WHERE subject = ? AND deleted = FALSE"
                        + " ORDER BY version DESC LIMIT 1")
                .param(subject).query(RegistryStore::version).optional();
    }

    public Optional<StoredVersion> versionOfSchema(String subject, int schemaId) {
        return jdbc.sql("SELECT " + VERSION_COLUMNS + " FROM subject_version WHERE subject = ? AND schema_id = ?")
                .params(subject, schemaId).query(RegistryStore::version).optional();
    }

    /** Every subject version holding the schema, soft-deleted ones included, by subject and version. */
    public List<StoredVersion> versionsOfSchema(int schemaId) {
        return jdbc.sql("SELECT " + VERSION_COLUMNS + " FROM subject_version WHERE schema_id = ? ORDER BY subject, version")
                .param(schemaId).query(RegistryStore::version).list();
    }

    /** Every subject version of every subject, by subject and version. */
    public List<StoredVersion> allVersions() {
        return jdbc.sql("SELECT " + VERSION_COLUMNS + " FROM subject_version ORDER BY subject, version")
                .query(RegistryStore::version).list();
    }

    public boolean hasVersions(String subject, boolean includeDeleted) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM subject_version WHERE subject = ?"
                        + (includeDeleted ? "" : " AND deleted = FALSE") + ")")
                .param(subject).query(Boolean.class).single();
    }

    public boolean anyLiveVersion() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM subject_version WHERE deleted = FALSE)").query(Boolean.class).single();
    }

    public List<SubjectState> subjects() {
        return jdbc.sql("SELECT subject, MAX(deleted = FALSE) FROM subject_version GROUP BY subject")
                .query((rs, n) -> new SubjectState(rs.getString(1), rs.getBoolean(2))).list();
    }

    public void insertVersion(String subject, int version, int schemaId) {
        jdbc.sql("INSERT INTO subject_version (subject, version, schema_id) VALUES (?, ?, ?)")
                .params(subject, version, schemaId).update();
    }

    public void softDeleteVersion(String subject, int version) {
        jdbc.sql("UPDATE subject_version SET deleted = TRUE WHERE subject = ? AND version = ?")
                .params(subject, version).update();
    }

    public void softDeleteSubject(String subject) {
        jdbc.sql("UPDATE subject_version SET deleted = TRUE WHERE subject = ?").param(subject).update();
    }

    public void deleteVersion(String subject, int version) {
        jdbc.sql("DELETE FROM subject_version WHERE subject = ? AND version = ?").params(subject, version).update();
    }

    public void deleteSoftDeletedVersionsOf(String subject, int schemaId) {
        jdbc.sql("DELETE FROM subject_version WHERE subject = ? AND schema_id = ? AND deleted = TRUE")
                .params(subject, schemaId).update();
    }

    private static StoredVersion version(ResultSet rs, int row) throws SQLException {
        return new StoredVersion(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBoolean(4));
    }

    // ---------------------------------------------------------------------------------------------------------
    // compatibility levels and modes ('' = global)

    public Optional<String> compatibilityLevel(String scope) {
        return jdbc.sql("SELECT compatibility_level FROM compatibility_config WHERE scope = ?").param(scope)
                .query(String.class).optional();
    }

    public void setCompatibilityLevel(String scope, String level) {
        jdbc.sql("INSERT INTO compatibility_config (scope, compatibility_level) VALUES (?, ?)"
                        + " ON DUPLICATE KEY UPDATE compatibility_level = VALUES(compatibility_level)")
                .params(scope, level).update();
    }

    public void deleteCompatibilityLevel(String scope) {
        jdbc.sql("DELETE FROM compatibility_config WHERE scope = ?").param(scope).update();
    }

    public Optional<String> mode(String scope) {
        return jdbc.sql("SELECT mode FROM registry_mode WHERE scope = ?").param(scope).query(String.class).optional();
    }

    public void setMode(String scope, String mode) {
        jdbc.sql("INSERT INTO registry_mode (scope, mode) VALUES (?, ?) ON DUPLICATE KEY UPDATE mode = VALUES(mode)")
                .params(scope, mode).update();
    }

    public void deleteMode(String scope) {
        jdbc.sql("DELETE FROM registry_mode WHERE scope = ?").param(scope).update();
    }
}
