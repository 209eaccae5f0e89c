package nexus.shared.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets Nexus stores (upstream keys, proxy credentials) with AES-256-GCM: a value is stored as
 * {@code v1:} and the base64 of a random 96-bit nonce followed by the ciphertext and its tag. Thread-safe.
 */
public final class SecretCipher {

    public static final int KEY_BYTES = 32;
    /** What every encrypted value starts with; plain text never does. */
    public static final String PREFIX = "v1:";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String source;

    /** A cipher under a 32-byte key; {@code source} names where the key came from, for error messages. */
    public SecretCipher(byte[] key, String source) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("An AES-256 key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.source = source;
    }

    /** Where the key came from: the key file's path or the variable's name. */
    public String source() {
        return source;
    }

    /** True for a value this class wrote (of any version); anything else is plain text. */
    public static boolean isEncrypted(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The stored form of a secret; the empty string stays empty, as it holds nothing. */
    public String encrypt(String plain) {
        if (plain.isEmpty()) {
            return plain;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] stored = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + Base64.getEncoder().encodeToString(stored);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has " + TRANSFORMATION, e);
        }
    }

    /**
     * The secret a stored value holds; plain text (written before secrets were encrypted) is returned as it is.
     * Throws {@link WrongSecretKeyException} when the value was encrypted under another key or altered.
     */
    public String decrypt(String stored) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new WrongSecretKeyException(source);
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new WrongSecretKeyException(source);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new WrongSecretKeyException(source);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has " + TRANSFORMATION, e);
        }
    }

    @Override
    public String toString() {
        return "SecretCipher[key from " + source + "]";
    }
}
