package dev.cargoreg.local.scenarios;

import dev.cargoreg.testing.RegistryFixture;
import dev.cargoreg.testing.RegistryScenarios;

/** The scenario suite on DynamoDB Local and S3Mock, in this JVM. */
class EmbeddedScenariosIT extends RegistryScenarios {
    @Override
    protected RegistryFixture fixture() {
        return new RegistryFixture();
    }
}
