package dev.cargoreg.aws;

import dev.cargoreg.aws.internal.CloudFrontInvalidator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Builds SDK clients the way Lambda wants them: the URL-connection HTTP client (JDK only, no native code),
 * an explicit region, and the credentials Lambda gives a function (the environment, or the container endpoint under
 * SnapStart; see {@code Settings.lambdaCredentials}).
 * Endpoint overrides point the same clients at DynamoDB Local, an S3 emulator or LocalStack.
 */
public final class AwsClients {
    private AwsClients() {
    }

    /** Where to reach the services; endpoints are null in AWS. */
    public record Settings(Region region, URI dynamoEndpoint, URI s3Endpoint, AwsCredentialsProvider credentials) {

        public static Settings fromEnvironment(Map<String, String> env) {
            String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
            return new Settings(Region.of(region), uri(env.get("REGISTRY_DYNAMODB_ENDPOINT")),
                    uri(env.get("REGISTRY_S3_ENDPOINT")), lambdaCredentials());
        }

        /**
         * Where Lambda puts a function's role credentials: the environment (an on-demand start) or the container
         * endpoint (SnapStart, whose environment has no keys). One provider for all of a function's clients, so the
         * chain is built and resolved once, not once per client, and without the default chain's other sources (system
         * properties, web identity, profile files, EC2 metadata), which a Lambda function never has: a cold start
         * loaded and tried them all on its first request.
         */
        static AwsCredentialsProvider lambdaCredentials() {
            return AwsCredentialsProviderChain.builder()
                    .reuseLastProviderEnabled(true)
                    .credentialsProviders(EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider.create())
                    .build();
        }

        /** For emulators: fixed dummy credentials. */
        public static Settings emulated(URI dynamoEndpoint, URI s3Endpoint) {
            return new Settings(Region.US_EAST_1, dynamoEndpoint, s3Endpoint,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }

        AwsCredentialsProvider credentialsOrDefault() {
            return credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
        }

        private static URI uri(String s) {
            return s == null || s.isBlank() ? null : URI.create(s);
        }
    }

    /**
     * One HTTP client for every SDK client of the process: building one sets up TLS (the trust store, the SSL context),
     * which a cold JVM should pay once, not once per service. The SDK never closes a client it was given.
     */
    public static SdkHttpClient httpClient() {
        return SharedHttp.CLIENT;
    }

    /**
     * The shared HTTP client as the SDK clients hold it: built at its first request, not when an SDK client is built, so
     * that in a cold start building the DynamoDB and S3 clients does not wait for the TLS set-up, which a thread of its
     * own does meanwhile ({@code ConfigModule}'s {@code ClientBuild}). What it forwards is all an {@link SdkHttpClient}
     * is; the SDK never closes a client it was given.
     */
    private static final class DeferredHttp implements SdkHttpClient {
        static final SdkHttpClient CLIENT = new DeferredHttp();

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return SharedHttp.CLIENT.prepareRequest(request);
        }

        @Override
        public String clientName() {
            // what the URL-connection client calls itself (the SDK's user agent names it), without building it
            return "UrlConnection";
        }

        @Override
        public void close() {
            // shared for the life of the process
        }
    }

    private static final class SharedHttp {
        static final SdkHttpClient CLIENT = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(20))
                .build();
    }

    public static DynamoDbClient dynamo(Settings s) {
        var b = DynamoDbClient.builder()
                .httpClient(DeferredHttp.CLIENT)
                .region(s.region())
                .credentialsProvider(s.credentialsOrDefault());
        if (s.dynamoEndpoint() != null) {
            b.endpointOverride(s.dynamoEndpoint());
        }
        return b.build();
    }

    public static S3Client s3(Settings s) {
        var b = S3Client.builder()
                .httpClient(DeferredHttp.CLIENT)
                .region(s.region())
                .credentialsProvider(s.credentialsOrDefault())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new NoExpectContinue()));
        if (s.s3Endpoint() != null) {
            // Emulators serve path-style buckets on one host.
            b.endpointOverride(s.s3Endpoint()).forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return b.build();
    }

    /** CloudFront's CreateInvalidation, signed and sent without the SDK's CloudFront client (see the class). */
    public static CloudFrontInvalidator cloudFrontInvalidator(Settings s, String distributionId) {
        return new CloudFrontInvalidator(httpClient(), s.credentialsOrDefault(), CloudFrontInvalidator.endpoint(System.getenv()),
                distributionId);
    }
}
