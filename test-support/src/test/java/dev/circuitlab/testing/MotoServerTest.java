package dev.circuitlab.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The moto_server fixture: it serves the DynamoDB API on loopback, finds a port, and leaves no process behind. */
@OnMotoServer
class MotoServerTest {

    @Test
    void theRunWideServerServesTheDynamoDbApiOnLoopback(DynamoDbEndpoint endpoint) {
        assertEquals("moto", endpoint.kind());
        assertEquals("127.0.0.1", endpoint.uri().getHost());
        String table = DynamoDbEndpoint.uniqueTableName("moto-fixture");
        try (DynamoDbClient client = endpoint.client()) {
            client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                            .attributeType(ScalarAttributeType.S).build()));
            client.putItem(b -> b.tableName(table).item(Map.of("id", AttributeValue.fromS("a"),
                    "n", AttributeValue.fromN("7"))));
            Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("id", AttributeValue.fromS("a")))).item();
            assertEquals("7", item.get("n").n());
        }
    }

    @Test
    void closeStopsTheWholeProcessTreeAndFreesThePort() {
        MotoServer moto = MotoServer.start();
        List<ProcessHandle> tree = ProcessHandle.of(moto.pid()).orElseThrow().descendants().toList();
        assertFalse(tree.isEmpty(), "moto runs under its watchdog shell");
        moto.close();
        assertFalse(moto.isRunning());
        for (ProcessHandle p : tree) {
            assertFalse(p.isAlive(), "still running after close: " + p.info().commandLine().orElse("pid " + p.pid()));
        }
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), moto.port()).close());
    }

    @Test
    void aTakenPortIsReplacedByAnother() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger asked = new AtomicInteger();
            int[] ports = {taken.getLocalPort(), LoopbackServer.freeLoopbackPort()};
            try (MotoServer moto = MotoServer.start(() -> ports[asked.getAndIncrement()])) {
                assertEquals(2, asked.get(), "a second port after moto could not bind the first");
                assertEquals(ports[1], moto.port());
                assertNotEquals(taken.getLocalPort(), moto.port());
            }
        }
    }

    @Test
    void givesUpWithMotosOutputAfterABoundedNumberOfTakenPorts() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger asked = new AtomicInteger();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MotoServer.start(() -> {
                asked.incrementAndGet();
                return taken.getLocalPort();
            }).close());
            assertEquals(MotoServer.BIND_ATTEMPTS, asked.get());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    /** A JVM killed without running shutdown hooks closes moto's stdin; the watchdog then stops moto. */
    @Test
    void motoDoesNotOutliveAKilledJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                MotoServerTest.class.getName() + "$StartAndWait")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ProcessHandle moto;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("MOTO_PID="), "the child JVM reports moto's pid: " + line);
            moto = ProcessHandle.of(Long.parseLong(line.substring("MOTO_PID=".length()))).orElseThrow();
            assertTrue(moto.isAlive());
        } finally {
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
        }
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS));
        moto.onExit().get(30, TimeUnit.SECONDS);
        assertFalse(moto.isAlive());
    }

    /** The child JVM of {@link #motoDoesNotOutliveAKilledJvm}: starts moto, prints its pid, waits to be killed. */
    static final class StartAndWait {
        public static void main(String[] args) throws InterruptedException {
            MotoServer moto = MotoServer.start();
            ProcessHandle server = ProcessHandle.of(moto.pid()).orElseThrow().children()
                    .filter(p -> p.info().commandLine().orElse("").contains("moto"))
                    .filter(p -> !p.info().command().orElse("").endsWith("sh"))
                    .findFirst().orElseThrow();
            System.out.println("MOTO_PID=" + server.pid());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2)); // bounded, in case the parent test dies first
            moto.close();
        }
    }
}
