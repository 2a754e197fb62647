package dev.circuitlab.breaker;

import dev.circuitlab.testing.OnMotoServer;

/**
 * The DynamoDB request counts per breaker operation on moto_server. The counts are taken at the
 * SDK, so they must match the dynalite run exactly; a difference means the store takes another
 * path (a condition or error answered differently) on this server.
 * Skipped where moto_server is not installed, unless CIRCUITLAB_REQUIRE_MOTO=1.
 */
@OnMotoServer
class MotoRequestCostTest extends RequestCostTest {
}
