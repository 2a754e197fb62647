package dev.circuitlab.breaker;

import dev.circuitlab.testing.OnMotoServer;

/**
 * The lost-answer and old-item regressions on moto_server too: they depend on how the server answers
 * a failed condition, returns ALL_NEW after map-key updates and handles items missing attributes.
 * Skipped where moto_server is not installed, unless CIRCUITLAB_REQUIRE_MOTO=1.
 */
@OnMotoServer
class MotoLostAnswersAndOldItemsTest extends LostAnswersAndOldItemsTest {
}
