package nexus.shared.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private final SecretCipher cipher = new SecretCipher(new byte[32], "test key");

    @Test
    void a_secret_encrypts_to_a_new_versioned_value_each_time_and_decrypts_back() {
        String first = cipher.encrypt("sk-secret-你好");
        String second = cipher.encrypt("sk-secret-你好");

        assertThat(first).startsWith("v1:").isNotEqualTo(second).doesNotContain("secret");
        assertThat(cipher.decrypt(first)).isEqualTo("sk-secret-你好");
        assertThat(cipher.decrypt(second)).isEqualTo("sk-secret-你好");
    }

    @Test
    void an_altered_value_or_another_key_fails_the_tag_check_naming_the_key() {
        String stored = cipher.encrypt("sk-secret");
        byte[] bytes = Base64.getDecoder().decode(stored.substring(3));
        bytes[bytes.length - 1] ^= 1;
        String altered = "v1:" + Base64.getEncoder().encodeToString(bytes);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;

        assertThatThrownBy(() -> cipher.decrypt(altered)).isInstanceOf(WrongSecretKeyException.class)
                .hasMessageContaining("test key");
        assertThatThrownBy(() -> new SecretCipher(otherKey, "other").decrypt(stored))
                .isInstanceOf(WrongSecretKeyException.class);
        assertThatThrownBy(() -> cipher.decrypt("v1:not base64!")).isInstanceOf(WrongSecretKeyException.class);
    }

    @Test
    void plain_text_from_before_encryption_reads_as_it_is_and_empty_stays_empty() {
        assertThat(cipher.decrypt("sk-plain")).isEqualTo("sk-plain");
        assertThat(cipher.encrypt("")).isEmpty();
    }
}
