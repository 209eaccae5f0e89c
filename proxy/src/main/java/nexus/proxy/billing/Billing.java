package nexus.proxy.billing;

import java.time.Clock;
import java.time.YearMonth;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.proxy.chat.ChatRequest;
import nexus.proxy.limits.RateAdmission;
import nexus.proxy.limits.RateLimits;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Target;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ApiKey;
import nexus.shared.error.ApiError;

/**
 * Admits calls against their key's rate limits and money: a key with a balance or a monthly cap reserves the call's
 * worst-case cost
 * (the prompt's estimated tokens at the input price, the most output tokens it may ask for at the output price, per
 * image and per call prices) or is refused with 402. Thread-safe.
 */
public final class Billing {

    private final Accounts accounts;
    private final RateLimits rateLimits;
    private final TokenCounter tokens;
    private final Clock clock;
    private final String currency;

    public Billing(Accounts accounts, RateLimits rateLimits, TokenCounter tokens, Clock clock, String currency) {
        this.accounts = accounts;
        this.rateLimits = rateLimits;
        this.tokens = tokens;
        this.clock = clock;
        this.currency = currency;
    }

    /** The instance's currency. */
    public String currency() {
        return currency;
    }

    /** This calendar month in UTC, the month spend caps count. */
    YearMonth month() {
        return Accounts.month(clock);
    }

    /** An issued key's money as it stands now. */
    Account.Standing standing(long keyId) {
        return accounts.of(keyId).standing(month());
    }

    /** A chat call: its messages' tokens, and {@code max_completion_tokens} or {@code max_tokens} if it sets one. */
    public Admission admitChat(Caller caller, Target target, ChatRequest request) {
        return admit(caller, target, () -> tokens.countPrompt(request.messages(), target.model()),
                maxOutputTokens(request.body(), target), 0, 0);
    }

    /** What a request lets the answer have ({@code max_completion_tokens}, {@code max_tokens}), else the model's. */
    public static long maxOutputTokens(JsonNode body, Target target) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
            JsonNode value = body.get(field);
            if (value != null && value.canConvertToLong() && value.asLong() > 0) {
                return value.asLong();
            }
        }
        return target.maxOutputTokens();
    }

    /**
     * @param promptTokens counted only when a reservation needs it (the tokenizer is not free)
     * @param maxOutputTokens what the request allows the answer, else the model's {@code max_output_tokens}
     */
    public Admission admit(Caller caller, Target target, LongSupplier promptTokens, long maxOutputTokens, long images,
                           long videoSeconds) {
        ApiKey key = caller.key();
        if (key == null) {
            return Admission.unlimited(clock, currency);
        }
        long[] counted = {-1};  // the prompt is counted at most once, and only when a limit needs it
        LongSupplier prompt = () -> counted[0] >= 0 ? counted[0] : (counted[0] = promptTokens.getAsLong());
        RateAdmission rate = rateLimits.admit(key.id(), key.rpm(), key.tpm(), key.tpm() == null ? 0 : prompt.getAsLong());
        long worst = 0;
        if (key.metered() || key.monthlySpendCapNanos() != null) {
            worst = target.cost().costNanos(prompt.getAsLong(), maxOutputTokens, 0, 0, images, videoSeconds);
        }
        Long balance;
        Account account = accounts.of(key.id());
        try {
            balance = account.reserve(worst, Accounts.month(clock));
        } catch (ApiError refused) {
            rateLimits.settle(rate, 0);  // the tokens taken for a call that never runs are given back
            throw refused;
        }
        return new Admission(account, worst, balance, clock, currency, rateLimits, rate);
    }
}
