package dev.cargoreg.localstack;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** Runs the LocalStack tier only where a Docker engine answers; elsewhere it is skipped, never failed. */
public final class DockerAvailable implements ExecutionCondition {
    private static Boolean available;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return available()
                ? ConditionEvaluationResult.enabled("a Docker engine answers")
                : ConditionEvaluationResult.disabled("no Docker engine here (`docker info` failed): skipping the LocalStack tier;"
                        + " run it where Docker exists with `mvn verify -pl infra/localstack -am`");
    }

    static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true).start();
                p.getInputStream().transferTo(OutputStream.nullOutputStream());
                available = p.waitFor(15, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (Exception e) {
                available = false;
            }
        }
        return available;
    }
}
