package dev.circuitlab.local.http;

/**
 * Who signed a request to an IAM route, as API Gateway puts it in the 2.0 event's
 * {@code requestContext.authorizer.iam}. Locally every caller is a user of the local account.
 *
 * @param accessKey the access key that signed
 * @param accountId the caller's account
 * @param userArn   the caller's ARN
 * @param userId    the caller's unique id (also its {@code callerId})
 */
public record IamCaller(String accessKey, String accountId, String userArn, String userId) {

    /** The caller behind the local credentials (account 123456789012, as the template's pseudo parameters). */
    public static IamCaller local(String accessKey) {
        return new IamCaller(accessKey, "123456789012", "arn:aws:iam::123456789012:user/local", "AIDALOCALUSER00000000");
    }
}
