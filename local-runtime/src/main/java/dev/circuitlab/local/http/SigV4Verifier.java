package dev.circuitlab.local.http;

import dev.circuitlab.testing.LocalCredentials;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the SigV4 signature of a request to an IAM route the way API Gateway does for
 * {@code execute-api}: the {@code Authorization} header's credential must name the local access
 * key, be scoped to the local region, {@code execute-api} and the day of {@code X-Amz-Date}, which
 * must be within 5 minutes of now; {@code host} must be signed; and the signature must be the one
 * computed with the local secret over the canonical request (method, path, sorted query, the signed
 * headers, SHA-256 of the body). Every refusal is a 403 with a message like API Gateway's.
 *
 * <p>The path is accepted in either canonical form clients use: as sent (curl) or encoded once
 * more (the AWS SDKs' double encoding). Presigned URLs (signature in the query) are not supported.
 */
public final class SigV4Verifier {

    /** Why a request may or may not pass. */
    public sealed interface Verdict {
    }

    /** A valid signature by the local credentials. */
    public record Allowed(IamCaller caller) implements Verdict {
    }

    /** 403 with this message. */
    public record Denied(String message) implements Verdict {
    }

    /** API Gateway's answer to a request that carries no signature at all. */
    public static final String FORBIDDEN = "Forbidden";
    public static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature"
            + " you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation"
            + " for details.";
    public static final String INVALID_TOKEN = "The security token included in the request is invalid.";

    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();
    /** Longer headers are not signatures; keeps the work per hostile request small. */
    private static final int MAX_AUTHORIZATION_CHARS = 4096;

    private final LocalCredentials credentials;
    private final Clock clock;

    public SigV4Verifier(LocalCredentials credentials, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public LocalCredentials credentials() {
        return credentials;
    }

    public Verdict verify(HttpRequestData request) {
        List<String> authorizations = request.headers().getOrDefault("authorization", List.of());
        if (authorizations.isEmpty()) {
            return new Denied(FORBIDDEN);
        }
        String authorization = authorizations.get(0).strip();
        if (authorizations.size() > 1 || authorization.length() > MAX_AUTHORIZATION_CHARS
                || !authorization.startsWith(ALGORITHM + " ")) {
            return new Denied("Authorization header requires '" + ALGORITHM + "' and the 'Credential', 'SignedHeaders'"
                    + " and 'Signature' parameters.");
        }
        Map<String, String> parameters = parameters(authorization.substring(ALGORITHM.length() + 1));
        String credential = parameters.get("Credential");
        String signedHeaders = parameters.get("SignedHeaders");
        String signature = parameters.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return new Denied("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }
        String amzDate = single(request, "x-amz-date");
        if (amzDate == null) {
            return new Denied("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return new Denied("X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z'.");
        }

        String[] scope = credential.split("/", -1);
        if (scope.length != 5) {
            return new Denied("Credential must have the form <access key>/<date>/<region>/<service>/aws4_request.");
        }
        if (!scope[0].equals(credentials.accessKeyId())) {
            return new Denied(INVALID_TOKEN);
        }
        if (!scope[1].equals(amzDate.substring(0, 8))) {
            return new Denied("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.");
        }
        if (!scope[2].equals(credentials.region())) {
            return new Denied("Credential should be scoped to a valid region: '" + credentials.region() + "'.");
        }
        if (!scope[3].equals(LocalCredentials.EXECUTE_API)) {
            return new Denied("Credential should be scoped to correct service: '" + LocalCredentials.EXECUTE_API + "'.");
        }
        if (!scope[4].equals("aws4_request")) {
            return new Denied("Credential should be scoped with a valid terminator: 'aws4_request'.");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            return new Denied("Signature expired: " + amzDate + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW))
                    + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            return new Denied("Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }
        List<String> signedNames = List.of(signedHeaders.split(";", -1));
        if (!signedNames.contains("host")) {
            return new Denied("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        if (credentials.sessionToken() != null
                && !credentials.sessionToken().equals(single(request, "x-amz-security-token"))) {
            return new Denied(INVALID_TOKEN);
        }

        String canonicalHeaders = canonicalHeaders(request, signedNames);
        String canonicalQuery = canonicalQuery(request.rawQuery());
        String payloadHash = HEX.formatHex(sha256(request.body()));
        byte[] signingKey = signingKey(scope[1]);
        byte[] presented = signature.getBytes(StandardCharsets.US_ASCII);
        for (String canonicalUri : canonicalUris(request.rawPath())) {
            String canonicalRequest = request.method() + "\n" + canonicalUri + "\n" + canonicalQuery + "\n"
                    + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;
            String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + String.join("/", List.of(scope).subList(1, 5))
                    + "\n" + HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
            byte[] expected = HEX.formatHex(hmac(signingKey, stringToSign)).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, presented)) {
                return new Allowed(IamCaller.local(credentials.accessKeyId()));
            }
        }
        return new Denied(SIGNATURE_MISMATCH);
    }

    /** {@code Credential=..., SignedHeaders=..., Signature=...} (commas, optional spaces). */
    private static Map<String, String> parameters(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private static String single(HttpRequestData request, String name) {
        List<String> values = request.headers().getOrDefault(name, List.of());
        return values.size() == 1 ? values.get(0).strip() : null;
    }

    /** {@code name:value\n} per signed header: values trimmed, inner spaces collapsed, repeats joined by commas. */
    private static String canonicalHeaders(HttpRequestData request, List<String> names) {
        StringBuilder b = new StringBuilder();
        for (String name : names) {
            List<String> values = new ArrayList<>();
            for (String v : request.headers().getOrDefault(name, List.of())) {
                values.add(v.strip().replaceAll("\\s+", " "));
            }
            b.append(name).append(':').append(String.join(",", values)).append('\n');
        }
        return b.toString();
    }

    /** Names and values percent-decoded, encoded strictly, sorted by name then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new String[] {encode(percentDecode(name), true), encode(percentDecode(value), true)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> joined = new ArrayList<>();
        for (String[] p : pairs) {
            joined.add(p[0] + "=" + p[1]);
        }
        return String.join("&", joined);
    }

    /** The path as sent, and encoded once more (the SDKs' double encoding for every service but S3). */
    static Set<String> canonicalUris(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(path);
        candidates.add(encode(path, false));
        candidates.add(encode(percentDecode(path), false));
        return candidates;
    }

    /** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes ('/' kept unless asked). */
    static String encode(String s, boolean slash) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !slash)) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** %XX escapes decoded as UTF-8 bytes; a '%' not followed by two hex digits stays as it is. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && Character.digit(bytes[i + 1], 16) >= 0
                    && Character.digit(bytes[i + 2], 16) >= 0) {
                out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private byte[] signingKey(String date) {
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, credentials.region());
        key = hmac(key, LocalCredentials.EXECUTE_API);
        return hmac(key, "aws4_request");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
