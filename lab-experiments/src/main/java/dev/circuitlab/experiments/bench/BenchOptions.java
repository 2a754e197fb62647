package dev.circuitlab.experiments.bench;

import java.nio.file.Path;

/**
 * @param projectRoot the repository root (template.yaml, events/, tools/dynalite, the modules)
 * @param jsonOut     where the figures go ({@code target/experiments/bench-<ts>.json})
 * @param quick       fewer samples and repetitions (tests; the figures are then only indicative)
 */
public record BenchOptions(Path projectRoot, Path jsonOut, boolean quick) {
}
