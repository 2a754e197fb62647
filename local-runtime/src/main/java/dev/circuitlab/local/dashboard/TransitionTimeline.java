package dev.circuitlab.local.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * The circuit's transitions as the upstream logs them: one JSON line per transition,
 * {@code "message":"circuit transition"} (fleet-wide, in DynamoDB) or {@code "local circuit
 * transition"} (one instance's fallback breaker while the store fails), with {@code circuitId},
 * {@code from}, {@code to}, {@code reason} and {@code at}. Keeps the most recent {@value #CAPACITY}.
 */
public final class TransitionTimeline {

    /** One transition; {@code scope} is {@code circuit} (the shared state) or {@code instance}. */
    public record Transition(long timeMillis, String function, String circuitId, String from, String to,
                             String reason, String scope) {
    }

    static final int CAPACITY = 500;
    private static final String FLEET = "circuit transition";
    private static final String LOCAL = "local circuit transition";

    private final ObjectMapper mapper;
    private final ArrayDeque<Transition> recent = new ArrayDeque<>();

    public TransitionTimeline(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Adds the transition a log line reports, if it reports one. */
    public void offer(String function, long lineTimeMillis, String line) {
        parse(function, lineTimeMillis, line).ifPresent(t -> {
            synchronized (recent) {
                if (recent.size() == CAPACITY) {
                    recent.removeFirst();
                }
                recent.addLast(t);
            }
        });
    }

    private Optional<Transition> parse(String function, long lineTimeMillis, String line) {
        if (line == null || !line.contains(FLEET) || !line.startsWith("{")) {
            return Optional.empty(); // cheap rejection: most lines are something else
        }
        JsonNode json;
        try {
            json = mapper.readTree(line);
        } catch (Exception e) {
            return Optional.empty();
        }
        String message = json.path("message").asText("");
        if (!message.equals(FLEET) && !message.equals(LOCAL)) {
            return Optional.empty();
        }
        return Optional.of(new Transition(time(json.path("at").asText(null), lineTimeMillis), function,
                json.path("circuitId").asText(""), json.path("from").asText(""), json.path("to").asText(""),
                json.path("reason").asText(""), message.equals(LOCAL) ? "instance" : "circuit"));
    }

    private static long time(String iso, long fallback) {
        try {
            return iso == null ? fallback : Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    /** Transitions at or after {@code fromMillis}, oldest first. */
    public List<Transition> since(long fromMillis) {
        synchronized (recent) {
            return recent.stream().filter(t -> t.timeMillis() >= fromMillis).toList();
        }
    }

    /** The most recent fleet-wide transition, if any. */
    public Optional<Transition> latestCircuitTransition() {
        synchronized (recent) {
            return recent.reversed().stream().filter(t -> t.scope().equals("circuit")).findFirst();
        }
    }
}
