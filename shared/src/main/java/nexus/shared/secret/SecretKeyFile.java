package nexus.shared.secret;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

import nexus.shared.config.ConfigException;

/**
 * Reads the key secrets are encrypted with: from a variable's value, or from a key file holding its base64 that is
 * created on first start. The admin and the proxy may both create it at the same moment; one wins, and both use the
 * winner's key. Stateless.
 */
public final class SecretKeyFile {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretKeyFile() {}

    /** A key given as the base64 of 32 bytes in the variable {@code name}; the value is never echoed. */
    public static SecretCipher fromBase64(String value, String name) {
        return new SecretCipher(decode(value, () -> new ConfigException(name
                + " must be the base64 of 32 random bytes, such as the output of 'openssl rand -base64 32'")), name);
    }

    /** The key in {@code file}, which must exist. */
    public static SecretCipher read(Path file) throws IOException {
        OwnerOnlyFiles.tightenFile(file);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        return new SecretCipher(decode(text, () -> new ConfigException(file + " does not hold a key (the base64 of"
                + " 32 bytes); restore the file it replaced, or set NEXUS_SECRET_KEY")), file.toString());
    }

    /**
     * The key in {@code file}, a new random one written there first when it does not exist. The file appears whole or
     * not at all (written under a temporary name, then linked), and an existing one is never replaced.
     */
    public static SecretCipher createOrRead(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] key = new byte[SecretCipher.KEY_BYTES];
        RANDOM.nextBytes(key);
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp",
                OwnerOnlyFiles.fileAttributes(file));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((Base64.getEncoder().encodeToString(key) + "\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            try {
                Files.createLink(file, temporary);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(temporary, file);  // without REPLACE_EXISTING: fails when the other process got there first
            }
            return new SecretCipher(key, file.toString());
        } catch (FileAlreadyExistsException lostTheRace) {
            return read(file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] decode(String text, Supplier<ConfigException> invalid) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw invalid.get();
        }
        if (key.length != SecretCipher.KEY_BYTES) {
            throw invalid.get();
        }
        return key;
    }
}
