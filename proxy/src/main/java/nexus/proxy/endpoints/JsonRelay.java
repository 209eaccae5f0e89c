package nexus.proxy.endpoints;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;

import nexus.proxy.chat.ClientGoneException;
import nexus.proxy.upstream.StreamCutException;
import nexus.shared.error.ApiError;

/**
 * Relays a JSON answer to the client byte for byte as it arrives (answers with images or thousands of vectors run to
 * tens of megabytes), reading it on the way with a streaming parser that keeps only a few top-level fields and counts
 * the entries of {@code data}: one pass, no copy of the whole answer. Stateless and thread-safe.
 */
final class JsonRelay {

    private static final int MARK_LIMIT = 64 * 1024;

    private final ObjectMapper mapper;

    JsonRelay(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** What was read on the way: the kept fields, and how many entries {@code data} had. */
    record Seen(ObjectNode fields, int dataEntries) {}

    /**
     * Relays the answer with status 200. An answer that does not start as a JSON object is a 502 (thrown before
     * anything is written); a read that fails later throws {@link StreamCutException}, a client gone
     * {@link ClientGoneException}. An answer that turns out malformed later is still relayed whole.
     */
    Seen relay(InputStream answer, HttpServletResponse response, Set<String> keptFields, String providerName)
            throws IOException {
        BufferedInputStream in = new BufferedInputStream(answer);
        requireObjectStart(in, providerName);
        response.setStatus(200);
        response.setContentType("application/json");
        OutputStream out = clientStream(response);
        Tee tee = new Tee(in, out);
        ObjectNode fields = mapper.createObjectNode();
        int dataEntries = 0;
        try (JsonParser parser = mapper.createParser(tee)) {
            parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);  // the rest of the answer is relayed after it
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (keptFields.contains(name)) {
                    fields.set(name, mapper.readTree(parser));
                } else if (name.equals("data") && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        dataEntries++;
                        parser.skipChildren();  // strings it does not read are skipped, never held
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (StreamCutException cut) {
            throw cut;
        } catch (JacksonException malformed) {
            // relayed as it came all the same: the client's parser will say what is wrong with it
        }
        tee.transferTo(OutputStream.nullOutputStream());
        try {
            out.close();  // ends the response here, while the request still counts as running
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
        return new Seen(fields, dataEntries);
    }

    /** Peeks past leading whitespace: the answer must open an object, or the client gets a clean 502. */
    private static void requireObjectStart(BufferedInputStream in, String providerName) throws IOException {
        in.mark(MARK_LIMIT);
        int first;
        do {
            first = in.read();
        } while (first == ' ' || first == '\n' || first == '\r' || first == '\t');
        in.reset();
        if (first != '{') {
            throw ApiError.upstreamUnavailable("The upstream provider '" + providerName
                    + "' answered with a body that is not a JSON object.");
        }
    }

    private static OutputStream clientStream(HttpServletResponse response) {
        try {
            return response.getOutputStream();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    /** Writes every byte read from the answer to the client. */
    private static final class Tee extends FilterInputStream {

        private final OutputStream out;

        Tee(InputStream in, OutputStream out) {
            super(in);
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                try {
                    out.write(buffer, offset, read);
                } catch (IOException e) {
                    throw new ClientGoneException(e);
                }
            }
            return read;
        }
    }
}
