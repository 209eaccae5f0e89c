package nexus.proxy.upstream.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the mock answers to one request, and how it splits that text into stream pieces. Immutable.
 *
 * @param textCompletion whether it answers as a legacy {@code text_completion} rather than a chat completion
 * @param finishReason {@code stop}, or {@code length} when the request's {@code max_tokens} cut the answer
 */
record MockAnswer(String id, String model, String text, int promptTokens, int completionTokens, long createdSeconds,
                  boolean textCompletion, String finishReason) {

    MockAnswer(String model, String text, int promptTokens, int completionTokens, long createdSeconds,
               boolean textCompletion, boolean cut) {
        this((textCompletion ? "cmpl-mock-" : "chatcmpl-mock-")
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE), model, text,
                promptTokens, completionTokens, createdSeconds, textCompletion, cut ? "length" : "stop");
    }

    /** The text cut into at most {@code chunks} pieces of near-equal length, never splitting a code point. */
    List<String> pieces(int chunks) {
        int[] codePoints = text.codePoints().toArray();
        int count = Math.min(chunks, codePoints.length);
        List<String> pieces = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            int from = (int) ((long) codePoints.length * index / count);
            int to = (int) ((long) codePoints.length * (index + 1) / count);
            pieces.add(new String(codePoints, from, to - from));
        }
        return pieces;
    }
}
