package dev.cargoreg.local.scenarios;

import dev.cargoreg.testing.AwsRegistryFixture;
import dev.cargoreg.testing.RegistryScenarios;

/** The scenario suite on DynamoDB Local and S3Mock, in this JVM. */
class EmbeddedScenariosIT extends RegistryScenarios {
    @Override
    protected AwsRegistryFixture fixture() {
        return new AwsRegistryFixture();
    }
}
