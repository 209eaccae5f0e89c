package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredResponseDaoTest {

    @TempDir
    Path dir;

    private static StoredResponse response(String id, String owner, String previous) {
        return new StoredResponse(id, owner, previous, "[]", "{\"id\":\"" + id + "\"}", 1L);
    }

    private StoredResponseDao threeInAChain() {
        StoredResponseDao responses = Database.open(dir.resolve("nexus.db")).dao(StoredResponseDao.class);
        responses.insert(response("resp_1", "personal:a", null));
        responses.insert(response("resp_2", "personal:a", "resp_1"));
        responses.insert(response("resp_3", "personal:a", "resp_2"));
        responses.insert(response("resp_x", "personal:b", "resp_2"));
        return responses;
    }

    @Test
    void a_chain_reads_oldest_first_from_the_response_it_ends_with() {
        StoredResponseDao responses = threeInAChain();

        assertThat(responses.chainOwned("resp_3", "personal:a")).extracting(StoredResponse::id)
                .containsExactly("resp_1", "resp_2", "resp_3");
        assertThat(responses.chainOwned("resp_1", "personal:a")).extracting(StoredResponse::id)
                .containsExactly("resp_1");
    }

    @Test
    void another_owner_reads_nothing_of_it_and_cannot_delete_it() {
        StoredResponseDao responses = threeInAChain();

        assertThat(responses.chainOwned("resp_3", "personal:b")).isEmpty();
        assertThat(responses.chainOwned("resp_x", "personal:b")).extracting(StoredResponse::id)
                .containsExactly("resp_x");
        assertThat(responses.findOwned("resp_1", "personal:b")).isEmpty();
        assertThat(responses.deleteOwned("resp_1", "personal:b")).isFalse();
        assertThat(responses.findOwned("resp_1", "personal:a")).isPresent();
    }

    @Test
    void a_deleted_response_ends_the_chain_where_it_was() {
        StoredResponseDao responses = threeInAChain();

        assertThat(responses.deleteOwned("resp_2", "personal:a")).isTrue();

        assertThat(responses.chainOwned("resp_3", "personal:a")).extracting(StoredResponse::id)
                .containsExactly("resp_3");
        assertThat(responses.chainOwned("resp_2", "personal:a")).isEmpty();
    }
}
