package dev.circuitlab.local;

import dev.circuitlab.testing.DynaliteServer;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the test inputs are: the fixture template and the project (real template.yaml, events/). */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path fixtureTemplate() {
        try {
            return Path.of(Fixtures.class.getResource("/fixture-template.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path projectRoot() {
        return DynaliteServer.projectRoot();
    }
}
