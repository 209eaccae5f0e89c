package nexus.shared.secret;

/** A stored secret does not decrypt with the key in use: the key is not the one it was encrypted with. */
public final class WrongSecretKeyException extends RuntimeException {

    WrongSecretKeyException(String keySource) {
        super("A secret stored in the database does not decrypt with the key from " + keySource, null, false, false);
    }
}
