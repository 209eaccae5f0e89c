package nexus.proxy.upstream.mock;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The mock's image generation: {@code n} small PNGs, each a gradient whose colours come from the prompt, as
 * {@code b64_json} or, for {@code response_format: url} (the default), a {@code data:image/png;base64,…} URL.
 * Reports usage as the GPT image models do. Stateless.
 */
final class MockImages {

    static final int SIDE = 64;

    private MockImages() {}

    static byte[] answer(JsonNode request, long promptTokens, long createdSeconds, ObjectMapper mapper)
            throws JsonProcessingException {
        String prompt = request.path("prompt").asText();
        boolean base64Json = "b64_json".equals(request.path("response_format").asText());
        ObjectNode answer = mapper.createObjectNode();
        answer.put("created", createdSeconds);
        ArrayNode data = answer.putArray("data");
        for (int index = 0; index < request.path("n").asInt(1); index++) {
            String png = Base64.getEncoder().encodeToString(png(prompt.hashCode() + index * 0x2545F491));
            data.addObject().put(base64Json ? "b64_json" : "url", base64Json ? png : "data:image/png;base64," + png);
        }
        ObjectNode usage = answer.putObject("usage");
        usage.put("input_tokens", promptTokens);
        usage.put("output_tokens", 0);
        usage.put("total_tokens", promptTokens);
        ObjectNode details = usage.putObject("input_tokens_details");
        details.put("text_tokens", promptTokens);
        details.put("image_tokens", 0);
        return mapper.writeValueAsBytes(answer);
    }

    /** A {@value #SIDE}×{@value #SIDE} PNG fading from one colour to another, both taken from the seed. */
    static byte[] png(int seed) {
        int from = seed & 0xFFFFFF;
        int to = Integer.rotateLeft(seed, 12) & 0xFFFFFF;
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIDE; y++) {
            int rgb = blend(from, to, y);
            for (int x = 0; x < SIDE; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a PNG in memory failed", e);
        }
        return out.toByteArray();
    }

    private static int blend(int from, int to, int step) {
        int rgb = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            int start = (from >> shift) & 0xFF;
            int end = (to >> shift) & 0xFF;
            rgb |= (start + (end - start) * step / (SIDE - 1)) << shift;
        }
        return rgb;
    }
}
