package io.mpsaas.entitlement.listener;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads certificates over HTTP(S) with the JDK client (TLS verified by the JDK), from files, or from the classpath
 * ({@code classpath:sns/x.pem}). Redirects are not followed: a signing certificate URL is checked before it is read.
 */
public final class HttpCertificateSource implements CertificateSource {

    private static final int MAX_BYTES = 64 * 1024;

    private final HttpClient http;
    private final Duration timeout;

    public HttpCertificateSource(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public byte[] fetch(URI uri) throws UnprocessableMessageException, CertificateUnavailableException {
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        try {
            return switch (scheme) {
                case "http", "https" -> overHttp(uri);
                case "classpath" -> fromClasspath(uri.getSchemeSpecificPart());
                case "file" -> Files.readAllBytes(uri.getScheme() == null ? Path.of(uri.toString()) : Path.of(uri));
                default -> throw new UnprocessableMessageException("unsupported certificate URL scheme: " + scheme);
            };
        } catch (IOException e) {
            throw new CertificateUnavailableException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    private byte[] overHttp(URI uri) throws IOException, UnprocessableMessageException,
            CertificateUnavailableException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 403 || status == 404 || status == 410) {
                throw new UnprocessableMessageException("certificate not found at " + uri + " (HTTP " + status + ")");
            }
            if (status != 200) {
                throw new CertificateUnavailableException("certificate at " + uri + " answered HTTP " + status, null);
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new UnprocessableMessageException("certificate at " + uri + " is larger than " + MAX_BYTES
                        + " bytes");
            }
            return bytes;
        }
    }

    private static byte[] fromClasspath(String path) throws IOException {
        String name = path.startsWith("/") ? path.substring(1) : path;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no classpath resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
