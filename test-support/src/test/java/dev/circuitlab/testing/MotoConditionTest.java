package dev.circuitlab.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** When moto-backed test classes run, skip, or fail. */
class MotoConditionTest {

    @Test
    void runsWhereMotoIsInstalled() {
        assertFalse(DynamoDbExtension.motoCondition(true, false).isDisabled());
        assertFalse(DynamoDbExtension.motoCondition(true, true).isDisabled());
    }

    @Test
    void skipsWithTheReasonAndTheWayToFailInsteadWhereMotoIsMissing() {
        ConditionEvaluationResult result = DynamoDbExtension.motoCondition(false, false);
        assertTrue(result.isDisabled());
        String reason = result.getReason().orElseThrow();
        assertTrue(reason.contains("moto_server is not installed"), reason);
        assertTrue(reason.contains(MotoServer.REQUIRE_ENV + "=1"), reason);
    }

    @Test
    void runsAndSoFailsWhereMotoIsMissingButRequired() {
        assertFalse(DynamoDbExtension.motoCondition(false, true).isDisabled());
    }
}
