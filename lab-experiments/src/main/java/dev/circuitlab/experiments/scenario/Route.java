package dev.circuitlab.experiments.scenario;

/** The two routes under load: the protected call, and the one that touches no dependency. */
public enum Route {
    UPSTREAM("/upstream", "upstream"),
    HEALTH("/health", "health");

    private final String path;
    private final String key;

    Route(String path, String key) {
        this.path = path;
        this.key = key;
    }

    public String path() {
        return path;
    }

    public String key() {
        return key;
    }
}
