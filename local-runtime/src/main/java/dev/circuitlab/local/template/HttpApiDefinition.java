package dev.circuitlab.local.template;

import java.util.Optional;

/**
 * An {@code AWS::Serverless::HttpApi} as the local server enforces it.
 *
 * @param logicalId          the API's logical ID (what routes name as ApiId)
 * @param defaultRouteThrottle the stage's {@code DefaultRouteSettings} throttling, if any
 * @param iamByDefault       {@code Auth.DefaultAuthorizer: AWS_IAM}: routes without their own
 *                           {@code Auth.Authorizer} need SigV4
 */
public record HttpApiDefinition(String logicalId, Optional<Throttle> defaultRouteThrottle, boolean iamByDefault) {

    /**
     * A stage's throttling target for each route, a token bucket as API Gateway's.
     *
     * @param ratePerSecond steady-state requests per second ({@code ThrottlingRateLimit})
     * @param burst         bucket size ({@code ThrottlingBurstLimit})
     */
    public record Throttle(double ratePerSecond, int burst) {

        public Throttle {
            if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond) || burst < 0) {
                throw new TemplateException("throttling limits must be finite and not negative: rate " + ratePerSecond
                        + ", burst " + burst);
            }
        }
    }
}
