package dev.circuitlab.local.dynamodb;

import dev.circuitlab.local.LabException;
import dev.circuitlab.local.template.TableDefinition;
import dev.circuitlab.testing.DynaliteServer;
import dev.circuitlab.testing.DynamoDbEndpoint;
import java.io.File;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * The DynamoDB API the functions talk to: dynalite started as a child process on an ephemeral
 * loopback port (the default), or an existing endpoint ({@code --dynamodb-endpoint}: LocalStack,
 * real DynamoDB). Creates the template's tables; only key schema, billing and indexes matter
 * locally (TTL, SSE, PITR and streams are left out: dynalite does not support all of them).
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final URI endpoint;
    private final DynaliteServer dynalite;

    private LocalDynamoDb(URI endpoint, DynaliteServer dynalite) {
        this.endpoint = endpoint;
        this.dynalite = dynalite;
    }

    /** Uses {@code endpoint} if given, else starts dynalite from {@code projectRoot/tools/dynalite}. */
    public static LocalDynamoDb start(Optional<URI> endpoint, Path projectRoot) {
        if (endpoint.isPresent()) {
            return new LocalDynamoDb(endpoint.get(), null);
        }
        if (!nodeOnPath()) {
            throw new LabException("Node.js is not installed or not on PATH; it runs the local DynamoDB server"
                    + " (dynalite): install Node.js 20+, or pass --dynamodb-endpoint URL");
        }
        if (!Files.isDirectory(projectRoot.resolve("tools/dynalite/node_modules/dynalite"))) {
            throw new LabException("dynalite is not installed: run 'npm ci' in " + projectRoot.resolve("tools/dynalite")
                    + " (./lab does it for you), or pass --dynamodb-endpoint URL");
        }
        try {
            DynaliteServer server = DynaliteServer.start(projectRoot);
            return new LocalDynamoDb(server.endpoint(), server);
        } catch (IllegalStateException e) {
            throw new LabException("cannot start dynalite: " + e.getMessage(), e);
        }
    }

    private static boolean nodeOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "node"))) {
                return true;
            }
        }
        return false;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The dynalite process, when this runtime started one. */
    public Optional<Long> dynalitePid() {
        return dynalite == null ? Optional.empty() : Optional.of(dynalite.pid());
    }

    /** A client for this endpoint: dummy credentials on loopback, the default chain elsewhere. */
    public DynamoDbClient client() {
        DynamoDbClientBuilder builder = DynamoDbEndpoint.clientBuilder(endpoint);
        if (!isLoopback(endpoint)) {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
            String region = System.getenv("AWS_REGION");
            builder.region(region == null || region.isBlank() ? DynamoDbEndpoint.REGION : Region.of(region));
        }
        return builder.build();
    }

    public static boolean isLoopback(URI uri) {
        try {
            return uri.getHost() != null && InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Creates each table; one that exists already (a shared endpoint) is reused. */
    public List<String> createTables(List<TableDefinition> tables, PrintStream console) {
        List<String> created = new ArrayList<>();
        if (tables.isEmpty()) {
            return created;
        }
        try (DynamoDbClient client = client()) {
            for (TableDefinition table : tables) {
                try {
                    client.createTable(createRequest(table));
                    client.waiter().waitUntilTableExists(b -> b.tableName(table.tableName()));
                    created.add(table.tableName());
                } catch (ResourceInUseException e) {
                    console.println("table " + table.tableName() + " exists at " + endpoint + "; using it as it is");
                }
            }
        } catch (SdkException e) {
            throw new LabException("cannot create the template's tables at " + endpoint + ": "
                    + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "), e);
        }
        return created;
    }

    static CreateTableRequest createRequest(TableDefinition table) {
        Map<String, Object> p = table.properties();
        CreateTableRequest.Builder req = CreateTableRequest.builder().tableName(table.tableName());
        if (table.type().equals("AWS::Serverless::SimpleTable")) {
            Map<?, ?> pk = p.get("PrimaryKey") instanceof Map<?, ?> m ? m : Map.of("Name", "id", "Type", "String");
            String name = String.valueOf(pk.get("Name"));
            String type = switch (String.valueOf(pk.get("Type"))) {
                case "Number" -> "N";
                case "Binary" -> "B";
                default -> "S";
            };
            return req.keySchema(KeySchemaElement.builder().attributeName(name).keyType("HASH").build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName(name).attributeType(type).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .build();
        }
        req.keySchema(keySchema(p.get("KeySchema"), table.logicalId()));
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (Map<?, ?> a : maps(p.get("AttributeDefinitions"))) {
            attributes.add(AttributeDefinition.builder()
                    .attributeName(String.valueOf(a.get("AttributeName")))
                    .attributeType(String.valueOf(a.get("AttributeType")))
                    .build());
        }
        req.attributeDefinitions(attributes);
        boolean provisioned = "PROVISIONED".equals(p.get("BillingMode"))
                || (p.get("BillingMode") == null && p.get("ProvisionedThroughput") != null);
        if (provisioned) {
            req.billingMode(BillingMode.PROVISIONED).provisionedThroughput(throughput(p.get("ProvisionedThroughput")));
        } else {
            req.billingMode(BillingMode.PAY_PER_REQUEST);
        }
        List<GlobalSecondaryIndex> gsis = new ArrayList<>();
        for (Map<?, ?> g : maps(p.get("GlobalSecondaryIndexes"))) {
            GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                    .indexName(String.valueOf(g.get("IndexName")))
                    .keySchema(keySchema(g.get("KeySchema"), table.logicalId()))
                    .projection(projection(g.get("Projection")));
            if (provisioned) {
                gsi.provisionedThroughput(throughput(g.get("ProvisionedThroughput")));
            }
            gsis.add(gsi.build());
        }
        if (!gsis.isEmpty()) {
            req.globalSecondaryIndexes(gsis);
        }
        List<LocalSecondaryIndex> lsis = new ArrayList<>();
        for (Map<?, ?> l : maps(p.get("LocalSecondaryIndexes"))) {
            lsis.add(LocalSecondaryIndex.builder()
                    .indexName(String.valueOf(l.get("IndexName")))
                    .keySchema(keySchema(l.get("KeySchema"), table.logicalId()))
                    .projection(projection(l.get("Projection")))
                    .build());
        }
        if (!lsis.isEmpty()) {
            req.localSecondaryIndexes(lsis);
        }
        return req.build();
    }

    private static List<KeySchemaElement> keySchema(Object node, String table) {
        List<KeySchemaElement> keys = new ArrayList<>();
        for (Map<?, ?> k : maps(node)) {
            keys.add(KeySchemaElement.builder()
                    .attributeName(String.valueOf(k.get("AttributeName")))
                    .keyType(String.valueOf(k.get("KeyType")))
                    .build());
        }
        if (keys.isEmpty()) {
            throw new LabException("table " + table + " has no KeySchema");
        }
        return keys;
    }

    private static Projection projection(Object node) {
        Map<?, ?> p = node instanceof Map<?, ?> m ? m : Map.of();
        Projection.Builder b = Projection.builder().projectionType(orDefault(p.get("ProjectionType"), "ALL"));
        if (p.get("NonKeyAttributes") instanceof List<?> attrs) {
            b.nonKeyAttributes(attrs.stream().map(String::valueOf).toList());
        }
        return b.build();
    }

    private static ProvisionedThroughput throughput(Object node) {
        Map<?, ?> t = node instanceof Map<?, ?> m ? m : Map.of();
        return ProvisionedThroughput.builder()
                .readCapacityUnits(Long.parseLong(orDefault(t.get("ReadCapacityUnits"), "5")))
                .writeCapacityUnits(Long.parseLong(orDefault(t.get("WriteCapacityUnits"), "5")))
                .build();
    }

    private static String orDefault(Object value, String fallback) {
        return value == null ? fallback : String.valueOf(value);
    }

    private static List<Map<?, ?>> maps(Object node) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (node instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (dynalite != null) {
            dynalite.close();
        }
    }
}
