package nexus.shared.db;

/**
 * One row of {@code video_task}: a video generation task as the client knows it ({@code id}) and as its provider
 * knows it ({@code upstreamId}). {@code apiKey} is the client key that created it, the only key that may read it.
 */
public record VideoTask(String id, String upstreamId, long providerId, String apiKey, String model,
                        long createdAtMillis) {

    @Override
    public String toString() {
        return "VideoTask[id=" + id + ", upstreamId=" + upstreamId + ", providerId=" + providerId + ", apiKey="
                + Secrets.prefix(apiKey) + ", model=" + model + "]";
    }
}
