package nexus.shared.db;

import java.util.Locale;

/** Where a usage row's token counts came from. */
public enum UsageSource implements WireNamed {
    /** Counted by the upstream and sent with its answer. */
    REPORTED,
    /** Counted by Nexus with a tokenizer because the upstream sent none. */
    ESTIMATED,
    /** Not known: the request failed before any content arrived. */
    MISSING;

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
