package nexus.proxy.chat;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import nexus.shared.error.ApiError;

/** Validates client conversation ids (they name files) and makes new ones. Stateless. */
public final class ConversationIds {

    public static final String HEADER = "X-Conversation-Id";
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private ConversationIds() {}

    /** The client's id when it sent a valid one, a new one when it sent none; 400 for an invalid one. */
    public static String fromClient(String value, String param) {
        if (value == null || value.isBlank()) {
            return create();
        }
        String id = value.strip();
        if (!VALID.matcher(id).matches() || id.contains("..")) {
            throw ApiError.invalidRequest("The conversation id must be 1 to 128 letters, digits, '.', '_', ':' or '-',"
                    + " starting with a letter or digit.", param);
        }
        return id;
    }

    /**
     * The creation time in milliseconds (12 hex digits) then 80 random bits: ids made later sort later, so the usage
     * table's conversation index grows at its end instead of splitting pages all over (two thirds of the insert's cost,
     * measured). ThreadLocalRandom, since an id is not a secret and SecureRandom would contend.
     */
    public static String create() {
        return timeOrdered("conv_");
    }

    /** A new message id, made as conversation ids are. */
    public static String createMessageId() {
        return timeOrdered("msg_");
    }

    /** True when {@code id} could name a conversation: an id that cannot is answered as unknown. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches() && !id.contains("..");
    }

    private static String timeOrdered(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return prefix + HEX.toHexDigits(System.currentTimeMillis()).substring(4) + HEX.toHexDigits(random.nextLong())
                + HEX.toHexDigits((short) random.nextInt());
    }
}
