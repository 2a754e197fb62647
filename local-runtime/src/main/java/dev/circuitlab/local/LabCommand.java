package dev.circuitlab.local;

import dev.circuitlab.local.template.ParameterOverrides;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.circuitlab.local.dashboard.LocalDashboard;
import dev.circuitlab.local.lambda.InvocationResult;
import dev.circuitlab.local.template.HttpRoute;
import dev.circuitlab.local.template.SamTemplate;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.LocalCredentials;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./lab start-api} and {@code ./lab invoke}, mirroring {@code sam local start-api} and
 * {@code sam local invoke}. Problems the user can fix end as one line on stderr and a non-zero
 * exit (1 for run-time problems, 2 for bad arguments), never a stack trace ({@code LAB_DEBUG=1}
 * shows one for unexpected errors).
 */
public final class LabCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: lab start-api [--port N] [--parameter-overrides K=V ...] [--dynamodb-endpoint URL] [--template FILE] [--no-auth]
                   lab invoke <FunctionLogicalId> [-e EVENT.json|-] [--parameter-overrides K=V ...] [--dynamodb-endpoint URL] [--template FILE]""";

    private final PrintStream out;
    private final PrintStream err;

    LabCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        LocalRuntime.allowKeepAliveConnectionsForManyEnvironments();
        // stdout carries only what the command prints ('invoke': the response); anything else
        // written to System.out (library chatter, unattributable handler output) goes to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        LabCommand command = new LabCommand(stdout, System.err);
        int code = command.run(args);
        System.exit(code);
    }

    /** Runs a subcommand; start-api only returns when the JVM is shutting down. */
    int run(String[] args) {
        try {
            if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
                out.println(USAGE_TEXT);
                return OK;
            }
            Arguments a = Arguments.parse(args);
            return switch (a.command) {
                case "start-api" -> startApi(a);
                case "invoke" -> invoke(a);
                case "help" -> {
                    out.println(USAGE_TEXT);
                    yield OK;
                }
                default -> throw new UsageException("unknown command '" + a.command + "'");
            };
        } catch (UsageException e) {
            err.println("lab: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        } catch (LabException e) {
            err.println("lab: " + oneLine(e.getMessage()));
            return FAILED;
        } catch (RuntimeException | Error e) {
            err.println("lab: unexpected error: " + oneLine(String.valueOf(e)) + " (LAB_DEBUG=1 shows the stack trace)");
            if ("1".equals(System.getenv("LAB_DEBUG"))) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
    }

    private int startApi(Arguments a) {
        if (a.functionId != null || a.eventFile != null) {
            throw new UsageException("start-api takes no function or event");
        }
        LocalRuntime runtime = LocalRuntime.start(a.options(true, err));
        Thread hook = new Thread(runtime::close, "lab-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        err.println("DynamoDB: " + runtime.dynamoDbEndpoint()
                + runtime.dynalitePid().map(pid -> " (dynalite, pid " + pid + ")").orElse("")
                + "; tables: " + String.join(", ", runtime.template().tables().stream().map(t -> t.tableName()).toList()));
        err.println("Dashboard: " + runtime.baseUrl() + LocalDashboard.PATH);
        err.println("Local metrics: " + runtime.baseUrl() + "/_local/metrics   Stop: Ctrl-C");
        printCredentials(runtime);
        out.println("Running on " + runtime.baseUrl());
        for (HttpRoute r : runtime.routes().routes()) {
            out.println(String.format(Locale.ROOT, "  %-7s %s%s -> %s%s", r.method(), runtime.baseUrl(),
                    r.path().equals(HttpRoute.DEFAULT_ROUTE) ? "/*" : r.path(), r.functionId(),
                    r.iamAuth() ? "  (IAM: SigV4)" : ""));
        }
        out.flush();
        try {
            new CountDownLatch(1).await(); // until Ctrl-C / SIGTERM runs the shutdown hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    /**
     * How to sign: IAM routes take the credentials from the AWS_* variables, else local/local. A
     * secret that came from the environment is never printed, only the variables to use.
     */
    private void printCredentials(LocalRuntime runtime) {
        LocalCredentials c = runtime.credentials();
        if (!runtime.verifiesSignatures()) {
            err.println("IAM routes: --no-auth, unsigned requests are accepted");
            return;
        }
        String user = c.isDefaultPair() ? c.accessKeyId() + ":" + c.secretAccessKey()
                : "\"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"";
        err.println("IAM routes need SigV4: access key " + c.accessKeyId()
                + (c.isDefaultPair() ? ", secret " + c.secretAccessKey() : " (secret from AWS_SECRET_ACCESS_KEY)")
                + ", region " + c.region() + (c.sessionToken() == null ? "" : ", session token from AWS_SESSION_TOKEN"));
        err.println("  curl --aws-sigv4 \"" + c.curlSigV4Provider() + "\" --user " + user
                + (c.sessionToken() == null ? "" : " -H \"x-amz-security-token: $AWS_SESSION_TOKEN\"")
                + " " + runtime.baseUrl() + "/faults");
    }

    private int invoke(Arguments a) {
        if (a.functionId == null) {
            throw new UsageException("invoke needs a function logical ID");
        }
        RuntimeOptions options = a.options(false, err);
        SamTemplate template = SamTemplate.load(options.template());
        if (!template.functionIds().contains(a.functionId)) {
            throw new LabException("unknown function '" + a.functionId + "': the template's functions are "
                    + String.join(", ", template.functionIds()));
        }
        ObjectMapper mapper = LocalRuntime.newMapper();
        JsonNode event = readEvent(mapper, a.eventFile);
        // The HTTP server runs too (on a free port), so a function that calls another API works.
        try (LocalRuntime runtime = LocalRuntime.start(options)) {
            Thread hook = new Thread(runtime::close, "lab-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            InvocationResult result = runtime.invoke(a.functionId, event);
            out.println(write(mapper, result.payload(mapper)));
            out.flush();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return OK;
    }

    private JsonNode readEvent(ObjectMapper mapper, String file) {
        if (file == null) {
            return mapper.createObjectNode(); // sam local invoke's default event
        }
        byte[] bytes;
        try {
            bytes = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new LabException("event file not found: " + file);
        } catch (IOException e) {
            throw new LabException("cannot read event file " + file + ": " + e.getMessage());
        }
        try {
            JsonNode event = mapper.readTree(bytes);
            if (event == null || event.isMissingNode()) {
                throw new LabException("event file " + file + " is empty");
            }
            return event;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new LabException("event file " + file + " is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LabException("cannot read event file " + file + ": " + e.getMessage());
        }
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** A mistake in the command line itself. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    static final class Arguments {
        String command;
        String functionId;
        String eventFile;
        Integer port;
        String template;
        String projectRoot;
        URI dynamoDbEndpoint;
        boolean noAuth;
        final Map<String, String> overrides = new LinkedHashMap<>();

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            if (args.length == 0) {
                throw new UsageException("no command given");
            }
            a.command = args[0];
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                String inlineValue = null;
                if (arg.startsWith("--") && arg.contains("=") && !arg.startsWith("--parameter-overrides")) {
                    inlineValue = arg.substring(arg.indexOf('=') + 1);
                    arg = arg.substring(0, arg.indexOf('='));
                }
                switch (arg) {
                    case "--port", "-p" -> a.port = port(inlineValue != null ? inlineValue : value(args, ++i, arg));
                    case "--template", "-t" -> a.template = inlineValue != null ? inlineValue : value(args, ++i, arg);
                    case "--project-root" -> a.projectRoot = inlineValue != null ? inlineValue : value(args, ++i, arg);
                    case "--event", "-e" -> a.eventFile = inlineValue != null ? inlineValue : value(args, ++i, arg);
                    case "--dynamodb-endpoint" -> a.dynamoDbEndpoint =
                            endpoint(inlineValue != null ? inlineValue : value(args, ++i, arg));
                    case "--no-auth" -> a.noAuth = true;
                    case "--parameter-overrides" -> {
                        int taken = 0;
                        while (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                            parseOverrides(args[++i], a.overrides);
                            taken++;
                        }
                        if (taken == 0) {
                            throw new UsageException("--parameter-overrides needs KEY=VALUE pairs");
                        }
                    }
                    default -> {
                        if (arg.startsWith("--parameter-overrides=")) {
                            parseOverrides(arg.substring("--parameter-overrides=".length()), a.overrides);
                        } else if (arg.startsWith("-") && !arg.equals("-")) {
                            throw new UsageException("unknown option '" + arg + "'");
                        } else if (a.functionId == null) {
                            a.functionId = arg;
                        } else {
                            throw new UsageException("unexpected argument '" + arg + "'");
                        }
                    }
                }
            }
            return a;
        }

        RuntimeOptions options(boolean accessLog, PrintStream console) {
            Path root = projectRoot != null ? Path.of(projectRoot) : defaultRoot();
            RuntimeOptions o = RuntimeOptions.forProject(root, port == null ? (command.equals("invoke") ? 0 : 3000) : port)
                    .withParameterOverrides(overrides)
                    .withConsole(console, accessLog)
                    .withSignatureVerification(!noAuth);
            if (template != null) {
                o = o.withTemplate(Path.of(template));
            }
            if (dynamoDbEndpoint != null) {
                o = o.withDynamoDbEndpoint(dynamoDbEndpoint);
            }
            return o;
        }

        private static Path defaultRoot() {
            try {
                return DynaliteServer.projectRoot();
            } catch (IllegalStateException e) {
                return Path.of("").toAbsolutePath();
            }
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new UsageException(option + " needs a value");
            }
            return args[i];
        }

        private static int port(String s) {
            try {
                int p = Integer.parseInt(s);
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new UsageException("--port needs a number from 0 to 65535, got '" + s + "'");
            }
        }

        private static URI endpoint(String s) {
            try {
                URI uri = new URI(s);
                if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                    throw new URISyntaxException(s, "not an http(s) URL");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new UsageException("--dynamodb-endpoint needs an http(s) URL, got '" + s + "'");
            }
        }

        static void parseOverrides(String token, Map<String, String> into) {
            try {
                ParameterOverrides.parseInto(token, into);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }

    }
}
