package nexus.proxy.limits;

/**
 * Durations as OpenAI writes them in {@code x-ratelimit-reset-*} headers, Go's format to the millisecond:
 * {@code 0s}, {@code 20ms}, {@code 1s}, {@code 8.64s}, {@code 6m0s}, {@code 1h2m3.5s}. Rounded up, so a limit never
 * looks reset before it is.
 */
final class ResetDuration {

    private static final long NANOS_PER_MILLI = 1_000_000;

    private ResetDuration() {}

    static String format(long nanos) {
        long millis = Math.ceilDiv(Math.max(0, nanos), NANOS_PER_MILLI);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        StringBuilder text = new StringBuilder();
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(millis / 1000 % 60);
        long fraction = millis % 1000;
        if (fraction > 0) {
            int width = 3;
            for (; fraction % 10 == 0; fraction /= 10) {
                width--;  // 0.500 is written .5
            }
            text.append('.');
            for (int digits = Long.toString(fraction).length(); digits < width; digits++) {
                text.append('0');  // 0.05 keeps its zero
            }
            text.append(fraction);
        }
        return text.append('s').toString();
    }
}
