package dev.circuitlab.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against moto_server instead of the default endpoint: its
 * {@link DynamoDbEndpoint} parameters resolve to one moto_server started for the whole run. Where
 * moto_server is not installed the class is skipped, unless {@code CIRCUITLAB_REQUIRE_MOTO=1}, where
 * it fails. A subclass of a {@link DynamoDbExtension} test with this annotation runs the same tests on moto.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DynamoDbExtension.class)
public @interface OnMotoServer {
}
