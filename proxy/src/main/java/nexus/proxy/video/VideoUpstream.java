package nexus.proxy.video;

import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.routing.Target;
import nexus.shared.db.Provider;
import nexus.shared.db.VideoTask;

/**
 * Speaks OpenAI's videos API to one kind of provider. Answers are OpenAI {@code video} objects carrying the
 * upstream's own id. Throws ApiError for every failure (refused, timed out, an upstream error answer). Thread-safe.
 */
interface VideoUpstream {

    /** Starts generating a video. */
    ObjectNode create(VideoRequest request, Target target);

    /** The task's current state. */
    ObjectNode retrieve(Provider provider, VideoTask task);

    /**
     * Opens the task's file for reading; the caller closes it.
     *
     * @param variant the asset to fetch ({@code video}, {@code thumbnail}, {@code spritesheet}), or null for the video
     */
    VideoContent content(Provider provider, VideoTask task, String variant);
}
