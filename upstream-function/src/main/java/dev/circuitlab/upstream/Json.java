package dev.circuitlab.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The module's one ObjectMapper: thread-safe once configured, and expensive enough to build only once. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Serializes a tree built from this module's nodes; cannot fail for those. */
    static String write(ObjectNode node) {
        return node.toString();
    }
}
