package dev.cargoreg.localstack;

import cloud.localstack.Localstack;
import cloud.localstack.docker.LocalstackDockerExtension;
import cloud.localstack.docker.annotation.LocalstackDockerProperties;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.testing.AwsRegistryFixture;
import dev.cargoreg.testing.RegistryScenarios;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;

/**
 * The same scenario suite as on DynamoDB Local + S3Mock, against LocalStack 4.14.0 (the last image that starts
 * without an auth token). Skipped with a message where Docker is absent.
 */
@ExtendWith(DockerAvailable.class)
@ExtendWith(LocalstackDockerExtension.class)
@LocalstackDockerProperties(services = {"dynamodb", "s3"}, imageTag = "4.14.0")
class LocalStackScenariosIT extends RegistryScenarios {
    @Override
    protected AwsRegistryFixture fixture() {
        URI edge = URI.create(Localstack.INSTANCE.getEndpointDynamoDB());
        URI s3 = URI.create(Localstack.INSTANCE.getEndpointS3());
        AwsClients.Settings settings = AwsClients.Settings.emulated(edge, s3);
        return new AwsRegistryFixture(AwsClients.dynamo(settings), AwsClients.s3(settings));
    }
}
