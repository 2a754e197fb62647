package dev.circuitlab.local.template;

import java.util.Map;

/** Parses {@code --parameter-overrides} the way the SAM CLI accepts them. */
public final class ParameterOverrides {

    private ParameterOverrides() {
    }

    /**
     * Adds the overrides in {@code token} to {@code into}: {@code K=V}, several separated by spaces,
     * or sam's {@code ParameterKey=K,ParameterValue=V}.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    public static void parseInto(String token, Map<String, String> into) {
        for (String part : token.trim().split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.startsWith("ParameterKey=")) {
                int comma = part.indexOf(",ParameterValue=");
                if (comma < 0) {
                    throw new IllegalArgumentException("bad parameter override '" + part
                            + "': expected ParameterKey=K,ParameterValue=V");
                }
                into.put(part.substring("ParameterKey=".length(), comma),
                        part.substring(comma + ",ParameterValue=".length()));
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bad parameter override '" + part + "': expected KEY=VALUE");
            }
            into.put(part.substring(0, eq), part.substring(eq + 1));
        }
    }
}
