package nexus.shared.config;

/** A setting that cannot be used; its message names the variable and is shown as the one line of a refused start. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
