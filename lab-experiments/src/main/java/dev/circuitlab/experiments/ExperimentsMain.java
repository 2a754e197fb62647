package dev.circuitlab.experiments;

import dev.circuitlab.local.template.ParameterOverrides;
import dev.circuitlab.experiments.bench.BenchCommand;
import dev.circuitlab.experiments.bench.BenchOptions;
import dev.circuitlab.experiments.fleet.FleetCommand;
import dev.circuitlab.experiments.scenario.ScenarioCommand;
import dev.circuitlab.experiments.scenario.ScenarioOptions;
import dev.circuitlab.experiments.scenario.Timeline;
import dev.circuitlab.experiments.simulation.TortureCommand;
import dev.circuitlab.local.LabException;
import dev.circuitlab.testing.DynaliteServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./lab scenario}, {@code ./lab bench}, {@code ./lab torture} and {@code ./lab fleet}. A mistake in the command line is one line on
 * stderr and exit 2; a failure while running is exit 1. Failed acceptance checks are reported as
 * FAIL lines, not as an exit code, unless {@code --strict} is given.
 */
public final class ExperimentsMain {

    static final String USAGE = """
            usage: lab scenario [--rps N] [--health-rps N] [--duration D] [--timeline SPEC] [--seed N]
                                [--warmup D] [--parameter-overrides K=V ...] [--out DIR] [--no-png] [--strict]
                   lab bench [--quick] [--out DIR] [--strict]
                   lab torture [--seeds N] [--seed FIRST] [--steps N] [--trace]
                   lab fleet [--quick] [--rps LIST] [--scenario LIST] [--seed N] [--json FILE] [--out DIR] [--refresh-ms N]
                             [--circuit-env NAME=VALUE,...]
              D is 1500ms, 30s or 2m; SPEC is MODE:D,... with MODE healthy|timeout|error|throttle|unavailable|latency=MS
              (default healthy:10s,timeout:30s,healthy:20s; --duration scales it). Output: target/experiments/.
              fleet: LIST is comma-separated, e.g. --rps 1000,100000 --scenario outage-timeout,noise; scenarios are
              healthy, outage-timeout, outage-5xx, noise, partial, sick-instance, flapping; --refresh-ms adds this
              project's breaker with another refresh interval, --circuit-env one configured by CIRCUIT_* variables,
              e.g. CIRCUIT_FAILURE_RATE_THRESHOLD=50,CIRCUIT_MINIMUM_CALLS=100 (docs/FLEET.md).""";

    private ExperimentsMain() {
    }

    public static void main(String[] args) {
        // The local runtime routes System.out per function while it runs; keep the terminal's own.
        PrintStream out = System.out;
        Cleanup.install();
        int code = run(args, out, System.err);
        out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            Map<String, String> flags = new LinkedHashMap<>();
            Map<String, String> overrides = new LinkedHashMap<>();
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String value = null;
                if (a.startsWith("--") && a.contains("=") && !a.startsWith("--parameter-overrides")) {
                    value = a.substring(a.indexOf('=') + 1);
                    a = a.substring(0, a.indexOf('='));
                }
                switch (a) {
                    case "--no-png", "--strict", "--quick", "--trace" -> flags.put(a, "true");
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--parameter-overrides" -> {
                        int taken = 0;
                        while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                            ParameterOverrides.parseInto(args[++i], overrides);
                            taken++;
                        }
                        if (taken == 0) {
                            throw new IllegalArgumentException("--parameter-overrides needs KEY=VALUE pairs");
                        }
                    }
                    case "--rps", "--health-rps", "--duration", "--timeline", "--seed", "--seeds", "--steps", "--warmup",
                         "--out", "--project-root", "--scenario", "--json", "--refresh-ms", "--circuit-env" -> {
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                throw new IllegalArgumentException(a + " needs a value");
                            }
                            value = args[++i];
                        }
                        flags.put(a, value);
                    }
                    default -> {
                        if (a.startsWith("--parameter-overrides=")) {
                            ParameterOverrides.parseInto(a.substring("--parameter-overrides=".length()), overrides);
                        } else {
                            throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                        }
                    }
                }
            }
            Path root = flags.containsKey("--project-root") ? Path.of(flags.get("--project-root")).toAbsolutePath()
                    : DynaliteServer.projectRoot();
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            return switch (args[0]) {
                case "scenario" -> scenario(flags, overrides, root, stamp, out);
                case "bench" -> {
                    if (!overrides.isEmpty() || flags.keySet().stream().anyMatch(f -> !java.util.Set.of("--out", "--strict",
                            "--quick", "--project-root").contains(f))) {
                        throw new IllegalArgumentException("bench takes only --quick, --out and --strict");
                    }
                    Path outDir = flags.containsKey("--out") ? Path.of(flags.get("--out"))
                            : root.resolve("target/experiments");
                    BenchOptions options = new BenchOptions(root, outDir.resolve("bench-" + stamp + ".json"),
                            flags.containsKey("--quick"));
                    boolean passed = new BenchCommand(options, out).run();
                    yield passed || !flags.containsKey("--strict") ? 0 : 3;
                }
                case "torture" -> torture(flags, overrides, out);
                case "fleet" -> fleet(flags, overrides, root, stamp, out);
                default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
            };
        } catch (IllegalArgumentException e) {
            err.println("lab: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (LabException e) {
            // A problem the user can fix (bad override, port, dynalite missing): one line, as ./lab start-api says it.
            err.println("lab: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("lab: " + args[0] + " failed: " + e);
            if ("1".equals(System.getenv("LAB_DEBUG"))) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static int scenario(Map<String, String> flags, Map<String, String> overrides, Path root, String stamp,
                                PrintStream out) throws Exception {
        for (String fleetOnly : java.util.List.of("--scenario", "--json", "--refresh-ms", "--circuit-env")) {
            if (flags.containsKey(fleetOnly)) {
                throw new IllegalArgumentException(fleetOnly + " is an option of 'lab fleet', not of 'lab scenario'");
            }
        }
        Timeline timeline = flags.containsKey("--timeline") ? Timeline.parse(flags.get("--timeline")) : Timeline.defaults();
        if (flags.containsKey("--duration")) {
            timeline = timeline.scaledTo(Timeline.parseDurationMs(flags.get("--duration"), "s"));
        }
        double rps = flags.containsKey("--rps") ? number(flags, "--rps") : ScenarioOptions.DEFAULT_RPS;
        double healthRps = flags.containsKey("--health-rps") ? number(flags, "--health-rps") : Math.max(1, rps / 4);
        long seed = flags.containsKey("--seed") ? (long) number(flags, "--seed") : ScenarioOptions.DEFAULT_SEED;
        Path outDir = flags.containsKey("--out") ? Path.of(flags.get("--out"))
                : root.resolve("target/experiments/scenario-" + stamp);
        ScenarioOptions defaults = ScenarioOptions.defaults(root, outDir);
        Duration warmup = flags.containsKey("--warmup")
                ? Duration.ofMillis(Timeline.parseDurationMs(flags.get("--warmup"), "s")) : defaults.warmup();
        ScenarioOptions options = defaults.with(rps, healthRps, timeline, seed, warmup, overrides, outDir,
                !flags.containsKey("--no-png"));
        ScenarioCommand.Result result = new ScenarioCommand(options, out).run();
        return result.allPassed() || !flags.containsKey("--strict") ? 0 : 3;
    }

    /** {@code ./lab torture}: seeded fault histories of the breaker with its invariants checked (docs/DESIGN.md §4). */
    private static int torture(Map<String, String> flags, Map<String, String> overrides, PrintStream out) {
        if (!overrides.isEmpty() || flags.keySet().stream().anyMatch(f -> !java.util.Set.of("--seeds", "--seed", "--steps",
                "--trace", "--project-root").contains(f))) {
            throw new IllegalArgumentException("torture takes only --seeds, --seed, --steps and --trace");
        }
        long first = flags.containsKey("--seed") ? wholeNumber(flags, "--seed", 0, Long.MAX_VALUE / 2) : 1;
        int seeds = (int) (flags.containsKey("--seeds") ? wholeNumber(flags, "--seeds", 1, 100_000_000) : 10_000);
        int steps = (int) (flags.containsKey("--steps") ? wholeNumber(flags, "--steps", 1, 1_000_000)
                : TortureCommand.DEFAULT_STEPS);
        boolean replay = flags.containsKey("--trace");
        if (replay && flags.containsKey("--seeds")) {
            throw new IllegalArgumentException("--trace replays one seed: give --seed, not --seeds");
        }
        return TortureCommand.main(first, seeds, steps, replay, out);
    }

    /** {@code ./lab fleet}: the fleet simulator (docs/FLEET.md). */
    private static int fleet(Map<String, String> flags, Map<String, String> overrides, Path root, String stamp,
                             PrintStream out) throws Exception {
        if (!overrides.isEmpty() || flags.keySet().stream().anyMatch(f -> !java.util.Set.of("--quick", "--rps", "--scenario",
                "--seed", "--json", "--out", "--refresh-ms", "--circuit-env", "--project-root").contains(f))) {
            throw new IllegalArgumentException("fleet takes only --quick, --rps, --scenario, --seed, --json, --out, "
                    + "--refresh-ms and --circuit-env");
        }
        new FleetCommand(FleetCommand.options(flags, root, stamp), out).run();
        return 0;
    }

    private static long wholeNumber(Map<String, String> flags, String name, long min, long max) {
        try {
            long n = Long.parseLong(flags.get(name));
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number, got '" + flags.get(name) + "'");
        }
    }

    private static double number(Map<String, String> flags, String name) {
        try {
            return Double.parseDouble(flags.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + flags.get(name) + "'");
        }
    }

}
