package dev.circuitlab.stack;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An environment map that remembers which variables the code looked up, so a test can compare the
 * variables the code reads with those the template sets.
 */
final class RecordingEnvironment extends AbstractMap<String, String> {

    private final Map<String, String> values;
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    private volatile boolean iterated;

    RecordingEnvironment(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public String get(Object key) {
        read.add(String.valueOf(key));
        return values.get(key);
    }

    @Override
    public String getOrDefault(Object key, String defaultValue) {
        read.add(String.valueOf(key));
        return values.getOrDefault(key, defaultValue);
    }

    @Override
    public boolean containsKey(Object key) {
        read.add(String.valueOf(key));
        return values.containsKey(key);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        // Walking every variable would defeat the comparison; the test fails on it.
        iterated = true;
        return values.entrySet();
    }

    Set<String> namesRead() {
        return new TreeSet<>(read);
    }

    boolean wasIterated() {
        return iterated;
    }
}
