package nexus.proxy.feedback;

import nexus.shared.db.Feedback;

/** Told of each rating once it is stored; runs on the request's thread, so it must be quick. */
@FunctionalInterface
public interface RatingListener {

    /** Told of nothing. */
    RatingListener NONE = (replaced, rating) -> { };

    /** {@code rating} was stored; {@code replaced} is the earlier rating of the same generation it replaced, or null. */
    void rated(Feedback replaced, Feedback rating);
}
