package dev.cargoreg.aws.di;

/**
 * Building one SDK client (a Dagger {@code Lazy}'s first {@code get}): each module contributes its own, and a Lambda
 * function's constructor builds them side by side ({@code HttpFunction.buildClientsAtInit}). Building twice is
 * harmless: the singleton is built once.
 *
 * @param service what the client calls, for logs
 * @param build   builds the client if it is not built yet
 */
public record ClientBuild(String service, Runnable build) {
}
