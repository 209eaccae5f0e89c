package nexus.shared.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.codec.Codec;
import org.jdbi.v3.core.codec.CodecFactory;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.qualifier.QualifiedType;

import nexus.shared.config.ConfigException;
import nexus.shared.secret.OwnerOnlyFiles;
import nexus.shared.secret.SecretCipher;
import nexus.shared.secret.SecretKeyFile;
import nexus.shared.secret.WrongSecretKeyException;

/**
 * Keeps the database's secrets unreadable to anyone who only has the files: the data folder and the database files
 * owner-only, and every {@link Encrypted} column encrypted under the key from {@code NEXUS_SECRET_KEY} or from
 * {@code secret.key} beside the database. Stateless.
 */
final class SecretsAtRest {

    static final String KEY_FILE = "secret.key";
    static final String KEY_VARIABLE = "NEXUS_SECRET_KEY";
    private static final String[] DATABASE_FILE_SUFFIXES = {"", "-wal", "-shm", "-journal"};

    private SecretsAtRest() {}

    /**
     * Before SQLite opens the file: creates the folder 0700 and the database file 0600 (SQLite gives its -wal and -shm
     * files the database file's mode), and tightens those that exist.
     */
    static void prepareFiles(Path databaseFile) {
        Path file = databaseFile.toAbsolutePath();
        try {
            OwnerOnlyFiles.folder(file.getParent());
            OwnerOnlyFiles.file(file);
            for (String suffix : DATABASE_FILE_SUFFIXES) {
                OwnerOnlyFiles.tightenFile(file.resolveSibling(file.getFileName() + suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data folder " + file.getParent() + ": " + e, e);
        }
    }

    /**
     * After the schema is up to date: picks the key ({@code secretKey}, the base64 from {@code NEXUS_SECRET_KEY}, or
     * else the key file, created when absent), checks that every stored secret decrypts with it, encrypts the secrets
     * still stored as plain text, and makes {@link Encrypted} columns encrypt and decrypt from now on. Throws
     * {@link ConfigException} when the key cannot be right.
     */
    static void unlock(Jdbi jdbi, Path databaseFile, String secretKey) {
        SecretCipher cipher = key(jdbi, databaseFile.resolveSibling(KEY_FILE), secretKey);
        try {
            PlaintextSecrets.encrypt(jdbi, cipher);
        } catch (WrongSecretKeyException e) {
            throw new ConfigException(cipher.source().equals(KEY_VARIABLE)
                    ? "The secrets in the database do not decrypt with " + KEY_VARIABLE + "; set it to the key they"
                            + " were encrypted with"
                    : "The secrets in the database do not decrypt with " + cipher.source() + "; restore the key file"
                            + " they were encrypted with, or set " + KEY_VARIABLE + " to that key");
        }
        jdbi.registerCodecFactory(CodecFactory.forSingleCodec(QualifiedType.of(String.class).with(Encrypted.class),
                new EncryptedText(cipher)));
    }

    private static SecretCipher key(Jdbi jdbi, Path keyFile, String secretKey) {
        if (secretKey != null) {
            return SecretKeyFile.fromBase64(secretKey, KEY_VARIABLE);
        }
        try {
            if (Files.exists(keyFile)) {
                return SecretKeyFile.read(keyFile);
            }
            // A new key is made only when nothing was encrypted under a lost one: that loss must stop the start.
            if (PlaintextSecrets.anyEncrypted(jdbi)) {
                throw new ConfigException(keyFile + " is missing but the database holds encrypted secrets; restore"
                        + " it or set " + KEY_VARIABLE);
            }
            return SecretKeyFile.createOrRead(keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the key file " + keyFile + ": " + e, e);
        }
    }

    /** Encrypts an {@link Encrypted} string as it is bound, decrypts it as it is read. */
    private record EncryptedText(SecretCipher cipher) implements Codec<String> {

        @Override
        public ColumnMapper<String> getColumnMapper() {
            return (rows, column, context) -> {
                String stored = rows.getString(column);
                return stored == null ? null : cipher.decrypt(stored);
            };
        }

        @Override
        public Function<String, Argument> getArgumentFunction() {
            return plain -> (position, statement, context) ->
                    statement.setString(position, plain == null ? null : cipher.encrypt(plain));
        }
    }
}
