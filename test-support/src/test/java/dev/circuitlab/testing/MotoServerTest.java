package dev.circuitlab.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void aTakenPortIsReplacedByAnotherAndCloseLeavesNoProcess() throws IOException {
        MotoServer moto;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger asked = new AtomicInteger();
            int[] ports = {taken.getLocalPort(), LoopbackServer.freeLoopbackPort()};
            moto = MotoServer.start(MotoServer.command().orElseThrow(), () -> ports[asked.getAndIncrement()]);
            assertEquals(2, asked.get(), "a second port after moto could not bind the first");
            assertEquals(ports[1], moto.port());
        }
        List<ProcessHandle> tree = ProcessHandle.of(moto.pid()).orElseThrow().descendants().toList();
        assertFalse(tree.isEmpty(), "moto runs under its watchdog shell");
        moto.close();
        assertFalse(moto.isRunning());
        for (ProcessHandle p : tree) {
            assertFalse(p.isAlive(), "still running after close: " + p.info().commandLine().orElse("pid " + p.pid()));
        }
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), moto.port()).close());
    }

    /** A stand-in that fails like moto on a taken port, so the bounded retry costs no moto starts. */
    @Test
    void givesUpWithTheServersOutputAfterABoundedNumberOfTakenPorts() {
        List<String> alwaysTaken = List.of("/bin/sh", "-c", "echo \"Address already in use\"; exit 1", "moto-stand-in");
        AtomicInteger asked = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MotoServer.start(alwaysTaken, () -> freshPort(asked)).close());
        assertEquals(MotoServer.BIND_ATTEMPTS, asked.get());
        assertTrue(e.getMessage().contains("taken " + MotoServer.BIND_ATTEMPTS + " times"), e.getMessage());
        assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
    }

    @Test
    void anotherStartFailureIsReportedAtOnceWithTheOutput() {
        List<String> broken = List.of("/bin/sh", "-c", "echo \"ModuleNotFoundError: No module named moto\"; exit 1",
                "moto-stand-in");
        AtomicInteger asked = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MotoServer.start(broken, () -> freshPort(asked)).close());
        assertEquals(1, asked.get(), "only a taken port is worth another attempt");
        assertTrue(e.getMessage().contains("exited with status 1"), e.getMessage());
        assertTrue(e.getMessage().contains("No module named moto"), e.getMessage());
    }

    private static int freshPort(AtomicInteger asked) {
        asked.incrementAndGet();
        return LoopbackServer.freeLoopbackPort();
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
